// Lint config: typescript-eslint's recommended rules over our TypeScript sources, and under indexers/code a typed rule
// against the language service's members of nodes.
import js from '@eslint/js';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

// The code indexer runs on the trimmed compiler (indexers/code/trim-compiler.ts), which has no language service, so its
// nodes lack what the language service adds to them: on a trimmed node `node.getStart()` throws a TypeError (not the
// ReferenceError that makes the index fall back to the whole compiler) and `identifier.text` is undefined. Code under
// indexers/code reads through the compiler's functions instead: `tsc.idText(id)`, `tsc.getTokenPosOfNode(node, file)`,
// `tsc.getLineAndCharacterOfPosition(file, pos)`, `tsc.forEachChild(node, f)`. These are the members only the whole
// compiler's nodes have, per interface of its declarations (tests/indexers/code/lint-rule.test.ts checks the list
// against both compilers' nodes).
export const LANGUAGE_SERVICE_MEMBERS = {
  Node: [
    'assertHasRealPosition', 'getSourceFile', 'getStart', 'getFullStart', 'getEnd', 'getWidth', 'getFullWidth', 'getLeadingTriviaWidth',
    'getFullText', 'getText', 'getChildCount', 'getChildAt', 'getChildren', 'getFirstToken', 'getLastToken', 'forEachChild',
  ],
  Identifier: ['text'],
  PrivateIdentifier: ['text'],
  SourceFile: [
    'update', 'getLineAndCharacterOfPosition', 'getLineStarts', 'getPositionOfLineAndCharacter', 'getLineEndOfPosition',
    'getNamedDeclarations', 'computeNamedDeclarations',
  ],
  // Declared apart in the compiler's typescript.d.ts; SourceFile is the only SourceFileLike node.
  SourceFileLike: ['getLineAndCharacterOfPosition'],
};

// Node methods named so that nothing but a node has them: forbidden by name too, whatever the type says (a cast, `any`).
const NODE_ONLY_METHODS = LANGUAGE_SERVICE_MEMBERS.Node.filter((name) => !['assertHasRealPosition', 'getSourceFile', 'getEnd', 'forEachChild'].includes(name));

/** Whether `declaration` is one of LANGUAGE_SERVICE_MEMBERS, as the compiler's typescript.d.ts declares it. */
function isLanguageServiceMember(declaration, name) {
  const owner = declaration.parent;
  return (
    owner !== undefined &&
    ts.isInterfaceDeclaration(owner) &&
    Object.hasOwn(LANGUAGE_SERVICE_MEMBERS, owner.name.text) &&
    LANGUAGE_SERVICE_MEMBERS[owner.name.text].includes(name) &&
    /[\\/]typescript\.d\.ts$/.test(declaration.getSourceFile().fileName)
  );
}

/** Reads of LANGUAGE_SERVICE_MEMBERS on the compiler's types (a member of a union counts when one side's is). */
const noLanguageServiceMembers = {
  meta: {
    type: 'problem',
    docs: { description: 'Members of nodes that only the whole compiler (its language service) has' },
    messages: { member: "'{{owner}}.{{name}}' is the language service's: the trimmed compiler's nodes have none. Use the compiler's function (tsc.idText, tsc.getTokenPosOfNode, ...)." },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) throw new Error('kg/no-language-service-members needs type information (parserOptions.projectService)');
    const checker = services.program.getTypeChecker();
    const names = new Set(Object.values(LANGUAGE_SERVICE_MEMBERS).flat());
    const tsNode = (node) => services.esTreeNodeToTSNodeMap.get(node);
    const check = (property, symbolOf) => {
      if (property.type !== 'Identifier' || !names.has(property.name)) return;
      const declaration = symbolOf()?.declarations?.find((d) => isLanguageServiceMember(d, property.name));
      if (declaration) context.report({ node: property, messageId: 'member', data: { owner: declaration.parent.name.text, name: property.name } });
    };
    return {
      MemberExpression(node) {
        if (!node.computed) check(node.property, () => checker.getSymbolAtLocation(tsNode(node.property)));
      },
      // `const { text } = id`: the property of the destructured type.
      'ObjectPattern > Property'(node) {
        if (!node.computed) check(node.key, () => checker.getPropertyOfType(checker.getTypeAtLocation(tsNode(node.parent)), node.key.name));
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/.corpora/**', 'bench/.work/**', 'tests/fixtures/resolution/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The code indexer's nodes come from the trimmed compiler: no language-service members (see LANGUAGE_SERVICE_MEMBERS).
    files: ['indexers/code/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { kg: { rules: { 'no-language-service-members': noLanguageServiceMembers } } },
    rules: {
      'kg/no-language-service-members': 'error',
      // The same methods called on anything typed loosely, by name; the compiler's own functions (tsc.x, ts.x) stay.
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression > MemberExpression.callee[object.name!=/^(tsc|ts)$/] > Identifier.property[name=/^(${NODE_ONLY_METHODS.join('|')})$/]`,
          message: "A language service method of nodes: the trimmed compiler's nodes have none. Use the compiler's function (tsc.getTokenPosOfNode, ...).",
        },
      ],
    },
  },
);

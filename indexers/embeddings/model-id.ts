// What an embedding model id may be: it names a folder under KG_MODEL_DIR or the model cache, so it is checked
// before it becomes part of a path.

/** `name` or `owner/name`, of letters, digits, `.`, `_` and `-`, never starting with a dot and never with `..`. */
export const MODEL_ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)?$/;

export function isModelId(id: string): boolean {
  return id.length <= 200 && MODEL_ID_PATTERN.test(id);
}

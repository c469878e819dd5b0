// Draws a file's neighbourhood on the console's File page with cytoscape (served beside this script as its prebuilt
// dist): the file, its importers above and its dependencies below, tests marked; a click on a node opens its page.
// Runs in the browser; the page gives the graph as a JSON block, so this script reads no API.

interface GraphNode { id: string; label: string; role: 'focus' | 'importer' | 'dependency'; isTest: boolean; href: string }
interface GraphEdge { source: string; target: string; typeOnly: boolean }
interface GraphData { nodes: GraphNode[]; edges: GraphEdge[] }

interface CyNode { id(): string; data(key: string): unknown }
interface CyInstance {
  on(event: string, selector: string, handler: (event: { target: CyNode }) => void): void;
  nodes(): { map<T>(f: (node: CyNode) => T): T[] };
  ready(f: () => void): void;
}
type Cytoscape = (options: Record<string, unknown>) => CyInstance;

declare global {
  interface Window {
    cytoscape?: Cytoscape;
    kgGraph?: CyInstance;
  }
}

const COLOURS: Record<GraphNode['role'], string> = { focus: '#2457c5', importer: '#7a8ca5', dependency: '#b9c4d3' };

function draw(): void {
  const container = document.getElementById('graph');
  const block = document.getElementById('graph-data');
  if (!container || !block || !window.cytoscape) return;
  const data = JSON.parse(block.textContent ?? '{"nodes":[],"edges":[]}') as GraphData;
  const cy = window.cytoscape({
    container,
    elements: [
      ...data.nodes.map((node) => ({ group: 'nodes', data: { ...node, colour: node.isTest ? '#1a7f43' : COLOURS[node.role] } })),
      ...data.edges.map((edge) => ({ group: 'edges', data: { id: `${edge.source}->${edge.target}`, ...edge, line: edge.typeOnly ? 'dashed' : 'solid' } })),
    ],
    layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1, padding: 20 },
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'background-color': 'data(colour)',
          'font-size': 10,
          'text-valign': 'bottom',
          'text-margin-y': 4,
          width: 18,
          height: 18,
          color: '#1d232b',
        },
      },
      { selector: 'node[role = "focus"]', style: { width: 28, height: 28, 'font-weight': 'bold' } },
      { selector: 'node[?isTest]', style: { shape: 'round-rectangle' } },
      {
        selector: 'edge',
        style: { width: 1.2, 'line-color': '#aab4c1', 'target-arrow-color': '#aab4c1', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'line-style': 'data(line)' },
      },
    ],
  });
  cy.on('tap', 'node', (event) => {
    const target = event.target.data('href');
    if (typeof target === 'string') window.location.href = target;
  });
  window.kgGraph = cy;
  cy.ready(() => container.setAttribute('data-ready', 'true'));
}

draw();

export {};

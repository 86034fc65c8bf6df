import { readFile } from 'node:fs/promises';

/**
 * `npx tsx bench/heap-summary.ts FILE.heapsnapshot [TOP]`: what a V8 heap
 * snapshot (BENCH_HEAP_SNAPSHOT) holds, in three tables: self size by node
 * type, by type and constructor, and the source text of loaded scripts by
 * package (the code a process keeps whether it works or not); then the
 * objects retaining the most (a dominator tree, Cooper, Harvey and Kennedy's
 * iterative algorithm). A snapshot is taken after a full collection: it
 * shows live data, never garbage.
 */

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const [file, topArgument = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/heap-summary.ts FILE.heapsnapshot [TOP]');
  process.exit(2);
}
const top = Number(topArgument);
const heap = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
const { meta } = heap.snapshot;
const nodeWidth = meta.node_fields.length;
const edgeWidth = meta.edge_fields.length;
const field = (name: string) => meta.node_fields.indexOf(name);
const [typeAt, nameAt, selfAt, edgeCountAt] = [field('type'), field('name'), field('self_size'), field('edge_count')];
const [edgeTypeAt, edgeNameAt, edgeToAt] = ['type', 'name_or_index', 'to_node'].map((name) => meta.edge_fields.indexOf(name)) as [number, number, number];
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const count = heap.nodes.length / nodeWidth;

const typeOf = (node: number) => nodeTypes[heap.nodes[node * nodeWidth + typeAt]!]!;
const nameOf = (node: number) => heap.strings[heap.nodes[node * nodeWidth + nameAt]!]!;
const selfOf = (node: number) => heap.nodes[node * nodeWidth + selfAt]!;
const firstEdge = new Uint32Array(count + 1);
for (let node = 0; node < count; node += 1) firstEdge[node + 1] = firstEdge[node]! + heap.nodes[node * nodeWidth + edgeCountAt]! * edgeWidth;
const edgesOf = function* (node: number) {
  for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge += edgeWidth) {
    yield { type: edgeTypes[heap.edges[edge + edgeTypeAt]!]!, name: heap.edges[edge + edgeNameAt]!, to: heap.edges[edge + edgeToAt]! / nodeWidth };
  }
};

const mb = (bytes: number) => (bytes / 1048576).toFixed(2).padStart(7);
function table(title: string, sizes: Map<string, { bytes: number; count: number }>, rows = top) {
  console.log(`\n${title}`);
  for (const [key, { bytes, count: n }] of [...sizes].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, rows)) console.log(`${mb(bytes)} MB ${String(n).padStart(8)}  ${key}`);
}
const add = (sizes: Map<string, { bytes: number; count: number }>, key: string, bytes: number) => {
  const entry = sizes.get(key) ?? { bytes: 0, count: 0 };
  entry.bytes += bytes;
  entry.count += 1;
  sizes.set(key, entry);
};

let total = 0;
const byType = new Map<string, { bytes: number; count: number }>();
const byConstructor = new Map<string, { bytes: number; count: number }>();
const scripts = new Map<string, { bytes: number; count: number }>();
for (let node = 0; node < count; node += 1) {
  const type = typeOf(node);
  const name = nameOf(node);
  total += selfOf(node);
  add(byType, type, selfOf(node));
  // Strings and code are named by their text: group them by type alone.
  add(byConstructor, type === 'object' || type === 'closure' || type === 'native' ? `${type}: ${name.slice(0, 60)}` : type, selfOf(node));
  // A script is a code node named by its URL; its `source` edge holds its text.
  if (type === 'code' && /^(file:\/\/|\/|node:)/.test(name)) {
    for (const edge of edgesOf(node)) {
      if (heap.strings[edge.name] !== 'source') continue;
      const where = name.includes('node_modules/') ? name.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : name.startsWith('node:') ? 'node: (built-in)' : 'the project';
      add(scripts, where, selfOf(edge.to));
    }
  }
}
console.log(`${count} nodes, ${mb(total).trim()} MB live`);
table('Self size by node type', byType);
table('Self size by type and constructor', byConstructor);
table('Source text of loaded scripts, by package', scripts);

// Retained sizes: the dominator tree over strong edges, nodes in reverse postorder from the root (node 0).
const order = new Int32Array(count).fill(-1);
const postorder: number[] = [];
const stack: { node: number; edges: Generator<{ type: string; to: number }> }[] = [{ node: 0, edges: edgesOf(0) }];
order[0] = -2;
while (stack.length) {
  const frame = stack.at(-1)!;
  const next = frame.edges.next();
  if (next.done) {
    stack.pop();
    order[frame.node] = postorder.length;
    postorder.push(frame.node);
  } else if (next.value.type !== 'weak' && next.value.type !== 'shortcut' && order[next.value.to] === -1) {
    order[next.value.to] = -2;
    stack.push({ node: next.value.to, edges: edgesOf(next.value.to) });
  }
}
const predecessors: number[][] = Array.from({ length: count }, () => []);
for (const node of postorder) for (const edge of edgesOf(node)) if (edge.type !== 'weak' && edge.type !== 'shortcut') predecessors[edge.to]!.push(node);
const dominator = new Int32Array(count).fill(-1);
dominator[0] = 0;
const intersect = (a: number, b: number) => {
  while (a !== b) {
    while (order[a]! < order[b]!) a = dominator[a]!;
    while (order[b]! < order[a]!) b = dominator[b]!;
  }
  return a;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let position = postorder.length - 1; position >= 0; position -= 1) {
    const node = postorder[position]!;
    if (node === 0) continue;
    let found = -1;
    for (const from of predecessors[node]!) if (dominator[from] !== -1) found = found === -1 ? from : intersect(from, found);
    if (found !== -1 && dominator[node] !== found) {
      dominator[node] = found;
      changed = true;
    }
  }
}
const retained = new Float64Array(count);
for (const node of postorder) {
  retained[node]! += selfOf(node);
  if (node !== 0) retained[dominator[node]!]! += retained[node]!;
}
console.log('\nBiggest retainers (an object and all that only it keeps alive), with what holds them');
const biggest = postorder.filter((node) => node !== 0 && typeOf(node) !== 'synthetic').sort((a, b) => retained[b]! - retained[a]!);
for (const node of biggest.slice(0, top)) {
  const holder = dominator[node]!;
  console.log(`${mb(retained[node]!)} MB  ${typeOf(node)} ${nameOf(node).slice(0, 50).replace(/\s+/g, ' ')}  (held by ${typeOf(holder)} ${nameOf(holder).slice(0, 40).replace(/\s+/g, ' ')})`);
}

import Supercluster from 'supercluster';

/** Supercluster v8's own steps of load(): a KD-tree per zoom, each made from the clusters of the zoom above. */
interface ClusterSteps {
  options: { minZoom: number; maxZoom: number };
  trees: unknown[];
  _createTree(data: number[]): unknown;
  _cluster(tree: unknown, zoom: number): number[];
}

type Schedule = (fn: () => void) => () => void;
const nextTask: Schedule = (fn) => {
  const t = setTimeout(fn, 0);
  return () => clearTimeout(t);
};

/**
 * Builds a new index of `points` as `new Supercluster(options).load(points)` would, cut into slices
 * of about `sliceMs` (a zoom level is the smallest step) so that a 10,000-occurrence snapshot does
 * not hold the main thread for the whole build: the points' tree first (load() with no zoom levels
 * to cluster), then the zoom levels from maxZoom down, a few per task. `done` gets the finished
 * index (the caller keeps drawing with its previous one meanwhile) and the main-thread time the
 * build took; the returned function cancels.
 * Where supercluster has not these steps (another major version) it is one load().
 */
export function buildClusterIndex<P extends Supercluster.AnyProps>(
  options: Supercluster.Options<P, Supercluster.AnyProps>,
  points: Array<Supercluster.PointFeature<P>>,
  sliceMs: number,
  done: (index: Supercluster<P>, busyMs: number) => void,
  schedule: Schedule = nextTask,
): () => void {
  const started = performance.now();
  const index = new Supercluster<P>(options);
  const steps = index as unknown as ClusterSteps;
  if (typeof steps._cluster !== 'function' || typeof steps._createTree !== 'function' || !Array.isArray(steps.trees)) {
    done(index.load(points), performance.now() - started);
    return () => undefined;
  }
  const { minZoom, maxZoom } = steps.options;
  steps.options.minZoom = maxZoom + 1;
  index.load(points);
  steps.options.minZoom = minZoom;
  let tree = steps.trees[maxZoom + 1];
  let z = maxZoom;
  let cancelled = false;
  let cancelNext: () => void = () => undefined;
  let busy = performance.now() - started;
  const slice = (): void => {
    if (cancelled) return;
    const from = performance.now();
    do {
      tree = steps.trees[z] = steps._createTree(steps._cluster(tree, z));
      z--;
    } while (z >= minZoom && performance.now() - from < sliceMs);
    busy += performance.now() - from;
    if (z >= minZoom) cancelNext = schedule(slice);
    else done(index, busy);
  };
  cancelNext = schedule(slice);
  return () => {
    cancelled = true;
    cancelNext();
  };
}

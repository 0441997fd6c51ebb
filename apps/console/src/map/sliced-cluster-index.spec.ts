import Supercluster from 'supercluster';
import { describe, expect, it } from 'vitest';
import { buildClusterIndex } from './sliced-cluster-index';

const OPTIONS = { radius: 48, maxZoom: 16 };

/** Points spread over Porto, deterministic. */
function points(n: number): Array<Supercluster.PointFeature<{ id: string }>> {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => ({
    type: 'Feature',
    properties: { id: `o${i}` },
    geometry: { type: 'Point', coordinates: [-8.685 + rnd() * 0.125, 41.142 + rnd() * 0.04] },
  }));
}

/** Runs the slices one by one, as the browser would run the tasks. */
function stepper(): { schedule: (fn: () => void) => () => void; runAll: () => number } {
  const queue: Array<() => void> = [];
  return {
    schedule: (fn) => {
      queue.push(fn);
      return () => queue.splice(queue.indexOf(fn), 1);
    },
    runAll: () => {
      let n = 0;
      while (queue.length > 0) {
        queue.shift()?.();
        n++;
      }
      return n;
    },
  };
}

type Props = Partial<Supercluster.ClusterProperties> & { id?: string };
const view = (index: Supercluster<{ id: string }>, zoom: number): string[] =>
  index
    .getClusters([-8.7, 41.13, -8.55, 41.19], zoom)
    .map((f) => {
      const p = f.properties as Props;
      return `${f.geometry.coordinates.join(',')}|${p.cluster ? `c${String(p.point_count)}` : String(p.id)}`;
    })
    .sort();

describe('buildClusterIndex', () => {
  it('gives the clusters load() gives at every zoom, built over several tasks', () => {
    const pts = points(3000);
    const whole = new Supercluster<{ id: string }>(OPTIONS).load(pts);
    const s = stepper();
    let built: Supercluster<{ id: string }> | null = null;
    // A zero budget: one zoom level per task.
    buildClusterIndex(OPTIONS, pts, 0, (index) => (built = index), s.schedule);
    expect(built).toBeNull();
    expect(s.runAll()).toBe(17);
    expect(built).not.toBeNull();
    const index = built as unknown as Supercluster<{ id: string }>;
    for (let z = 0; z <= 18; z++) expect(view(index, z)).toEqual(view(whole, z));
    const [cluster] = index.getClusters([-8.7, 41.13, -8.55, 41.19], 10).filter((f) => (f.properties as Props).cluster);
    const { cluster_id: id, point_count: count } = cluster.properties as Supercluster.ClusterProperties;
    expect(index.getLeaves(id, Infinity).length).toBe(count);
    expect(index.getClusterExpansionZoom(id)).toBe(whole.getClusterExpansionZoom(id));
  });

  it('tells nothing once cancelled', () => {
    const s = stepper();
    let told = false;
    const cancel = buildClusterIndex(OPTIONS, points(100), 0, () => (told = true), s.schedule);
    s.schedule(() => undefined);
    cancel();
    s.runAll();
    expect(told).toBe(false);
  });
});

/**
 * The rate budget's arithmetic: cutting a rolling-window limit into fixed slices never admits more
 * than the limit in any window, and still admits most of it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateBudget, planSlices, type SlicePlan } from '../../src/store/index.js';
import { maxInAnyWindow } from './helpers.js';

/**
 * Replays rate-limiter-flexible's fixed-window rule for `plan`: a slice starts at the first call
 * after the previous slice ended and admits `pointsPerSlice` calls; a refused call waits for the
 * slice's end. Returns the admission times.
 */
function simulate(plan: SlicePlan, arrivals: readonly number[]): number[] {
  const admitted: number[] = [];
  let sliceEnd = -Infinity;
  let used = 0;
  let clock = -Infinity;
  for (const arrival of [...arrivals].sort((a, b) => a - b)) {
    let t = Math.max(arrival, clock);
    for (;;) {
      if (t >= sliceEnd) {
        sliceEnd = t + plan.sliceMs;
        used = 0;
      }
      if (used < plan.pointsPerSlice) break;
      t = sliceEnd;
    }
    used++;
    clock = t;
    admitted.push(t);
  }
  return admitted;
}

describe('rate budget slicing', () => {
  it('when any limit is sliced, then no rolling window can see more calls than the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 1_000 }),
        fc.integer({ min: 50, max: 60_000 }),
        (points, windowMs) => {
          const plan = planSlices(points, windowMs);
          expect(plan.pointsPerSlice).toBeGreaterThanOrEqual(1);
          expect((plan.slices + 1) * plan.pointsPerSlice).toBeLessThanOrEqual(points);
          expect(plan.slices * plan.sliceMs).toBeGreaterThanOrEqual(windowMs);
        },
      ),
    );
  });

  it('when calls arrive in any pattern, then the admitted calls never exceed the limit in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 100, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 600 }),
        (points, windowMs, arrivals) => {
          const admitted = simulate(planSlices(points, windowMs), arrivals);
          expect(admitted).toHaveLength(arrivals.length);
          expect(maxInAnyWindow(admitted, windowMs)).toBeLessThanOrEqual(points);
        },
      ),
    );
  });

  it("when HubSpot's limits are sliced, then over 90 % of them stay usable", () => {
    for (const points of [100, 190]) {
      const plan = planSlices(points, 10_000);
      const perWindow = (plan.pointsPerSlice * 10_000) / plan.sliceMs;
      expect(perWindow / points).toBeGreaterThan(0.9);
      expect(plan.sliceMs).toBeGreaterThanOrEqual(250);
    }
  });

  it('when a limit has fewer than 2 points, then it is refused', () => {
    expect(() => planSlices(1, 1_000)).toThrow(RangeError);
  });

  it('when one call costs more than a slice holds, then it is spread over slices and still admitted', async () => {
    const budget = createRateBudget({ points: 6, windowMs: 200, minSliceMs: 50 });
    const started = Date.now();

    await budget.acquire(5);

    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});

/**
 * Two years of a portal's life, played on the sandbox through its own activity helpers, so every
 * change lands in HubSpot's property history with the sandbox's timestamp and comes with the
 * webhooks HubSpot would send: form conversions (the demo form among others), e-mail opt-outs, and
 * meetings logged and later marked completed or no-show. Deterministic for a seed.
 *
 * The sandbox's clock runs behind the wall clock and is moved forward week by week; it flows with
 * the wall clock in between, so the sandbox's rate windows keep turning.
 */
import type { Sandbox, WebhookEvent } from '../../src/sandbox/index.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The sandbox's clock: `ago` ms behind the wall clock at first, moved forward on demand. */
export interface HistoryClock {
  now: () => number;
  advance(ms: number): void;
}

export function historyClock(agoMs: number): HistoryClock {
  let behind = agoMs;
  return {
    now: () => Date.now() - behind,
    advance(ms) {
      // Never past the wall clock: a signal from the future is not counted.
      behind = Math.max(1_000, behind - ms);
    },
  };
}

/** What was played, for the tests' expectations. */
export interface PlayedHistory {
  formSubmissions: number;
  demoRequests: number;
  optOuts: number;
  meetings: number;
  noShows: number;
}

export const FORMS = ['Request a Demo', 'Newsletter sign-up', 'Whitepaper: lead scoring'] as const;

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Creates `count` contacts of the ICP's kind (fit varies), at the clock's current time. */
export function createContacts(sandbox: Sandbox, count: number, prefix = 'c'): string[] {
  const titles = ['VP Sales', 'Marketing Manager', 'Engineer', 'Head of Growth'];
  const countries = ['Netherlands', 'Germany', 'United States'];
  return Array.from(
    { length: count },
    (_, i) =>
      sandbox.state.create(
        'contacts',
        {
          email: `${prefix}${i}@history.example`,
          jobtitle: titles[i % titles.length],
          country: countries[i % countries.length],
          lifecyclestage: 'lead',
        },
        { changeSource: 'IMPORT' },
      ).id,
  );
}

/**
 * Plays `weeks` of changes on the contacts: each week each contact may submit a form, opt out
 * (once), or get a meeting whose outcome is set the next week (completed, or no-show for about
 * 40%). About `changesPerContact` changes each over the whole period. `onStep` receives the
 * webhooks of every `stepWeeks` weeks as they happen (to deliver them live).
 */
export async function playHistory(
  sandbox: Sandbox,
  clock: HistoryClock,
  contactIds: readonly string[],
  options: {
    weeks?: number;
    seed?: number;
    changesPerContact?: number;
    stepWeeks?: number;
    onStep?: (events: WebhookEvent[]) => Promise<void>;
  } = {},
): Promise<PlayedHistory> {
  const weeks = options.weeks ?? 104;
  const next = random(options.seed ?? 1);
  const perWeek = (options.changesPerContact ?? 4) / weeks;
  const played: PlayedHistory = { formSubmissions: 0, demoRequests: 0, optOuts: 0, meetings: 0, noShows: 0 };
  const optedOut = new Set<string>();
  let pendingMeetings: string[] = [];
  let events: WebhookEvent[] = [];
  const { activity } = sandbox;
  for (let week = 0; week < weeks; week++) {
    clock.advance(WEEK_MS);
    // Last week's meetings get their outcome.
    for (const meetingId of pendingMeetings) {
      clock.advance(60_000);
      const noShow = next() < 0.4;
      if (noShow) played.noShows++;
      events.push(...activity.setMeetingOutcome(meetingId, noShow ? 'NO_SHOW' : 'COMPLETED'));
    }
    pendingMeetings = [];
    for (const id of contactIds) {
      const roll = next();
      if (roll >= perWeek) continue;
      clock.advance(1_000);
      const kind = roll / perWeek;
      if (kind < 0.5) {
        const form = FORMS[Math.floor(next() * FORMS.length)]!;
        played.formSubmissions++;
        if (form === 'Request a Demo') played.demoRequests++;
        events.push(...activity.submitForm(id, form));
      } else if (kind < 0.8) {
        const meeting = activity.logMeeting(id, { title: 'Demo' });
        played.meetings++;
        pendingMeetings.push(meeting.meetingId);
        events.push(...meeting.events);
      } else if (!optedOut.has(id)) {
        optedOut.add(id);
        played.optOuts++;
        events.push(...activity.optOut(id));
      }
    }
    if (options.onStep && ((week + 1) % (options.stepWeeks ?? 4) === 0 || week === weeks - 1)) {
      await options.onStep(events);
      events = [];
    }
  }
  return played;
}

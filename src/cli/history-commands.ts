/**
 * `cli import-history --portal <id>`: the portal's history read from HubSpot into the database
 * (every contact's snapshot with its stage dates, every deal with its contacts), so `insights`,
 * `backtest`, `review` and the settings page's Insights tab judge what HubSpot already holds.
 * Progress goes to stderr; the summary to stdout. Running it again replaces what it kept.
 */
import { importHistory } from '../jobs/history-import.js';
import { withHubSpot } from './context.js';
import { type CliIo, CliError } from './io.js';

export async function importHistoryCommand(
  options: { portal: string },
  io: CliIo & { progress?: (line: string) => void },
): Promise<number> {
  return withHubSpot(async ({ crm, store, models, logger }) => {
    // The token's portal must be the one named: its history would otherwise be kept under another.
    const { portalId } = await crm.accountDetails();
    if (portalId !== options.portal)
      throw new CliError(
        `import-history: --portal ${options.portal} is not the token's portal (HUBSPOT_ACCESS_TOKEN belongs to portal ${portalId})`,
      );
    const show = io.progress ?? ((line: string) => process.stderr.write(`\r${line}`));
    const result = await importHistory({ crm, store, models, clock: Date.now, logger }, options.portal, {
      onProgress: (p) =>
        show(
          p.phase === 'contacts'
            ? `contacts: ${p.contacts} read (${p.companies} companies)   `
            : `deals: ${p.deals} kept   `,
        ),
    });
    if (!io.progress) process.stderr.write('\n');
    const seconds = (result.now - result.startedAt) / 1000;
    io.out(
      `imported portal ${options.portal} in ${seconds.toFixed(1)} s: ${result.contacts} contacts (with their stage dates), ` +
        `${result.companies} companies, ${result.deals} deals`,
    );
    io.out(`next: npm run cli -- insights --portal ${options.portal}`);
    return 0;
  });
}

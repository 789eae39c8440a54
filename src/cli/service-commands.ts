/**
 * CLI commands that work on a portal and the store: `migrate`, `setup`, `rescore --all`,
 * `dead-letters [--replay <id> | --replay-all]`. They read the same environment as the service.
 */
import { loadConfig, ConfigError } from '../config.js';
import { rescoreAll } from '../jobs/rescore-all.js';
import { setupPortal } from '../jobs/setup.js';
import { createLogger, safeDatabaseUrl } from '../logger.js';
import { createService, type Service } from '../service.js';
import { migrate } from '../store/index.js';
import { type CliIo, CliError } from './io.js';

async function withService<T>(io: CliIo, run: (service: Service) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliError(`${error.message}\nSee .env.example for every variable.`);
    throw error;
  }
  const service = await createService({
    config,
    logger: createLogger({ level: 'warn' }),
    startWorker: false,
    setup: false,
  });
  try {
    return await run(service);
  } finally {
    await service.close();
  }
}

export async function migrateCommand(io: CliIo): Promise<number> {
  const url = process.env.DATABASE_URL || undefined;
  const applied = await migrate(url);
  io.out(
    applied.length > 0
      ? `applied ${applied.length} migration(s) to ${safeDatabaseUrl(url)}: ${applied.join(', ')}`
      : `${safeDatabaseUrl(url)} is up to date`,
  );
  return 0;
}

export async function setupCommand(io: CliIo): Promise<number> {
  return withService(io, async (service) => {
    const { model } = await service.models.get('default');
    const result = await setupPortal(service.crm, model);
    io.out(
      `properties created: ${result.created.length > 0 ? result.created.join(', ') : 'none'}; already there: ${result.existing.length}`,
    );
    io.out(`lifecycle stages: ${result.lifecycleStages.join(', ')}`);
    io.out(`lead statuses: ${result.leadStatuses.join(', ')}`);
    return 0;
  });
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export async function rescoreCommand(
  options: { all?: boolean; portal?: string },
  io: CliIo & { progress?: (line: string) => void },
): Promise<number> {
  if (!options.all) throw new CliError('rescore: pass --all to rescore every contact of the portal');
  return withService(io, async (service) => {
    const portalId = options.portal ?? 'default';
    const total = await service.crm.countContacts().catch(() => null);
    const show = io.progress ?? ((line: string) => process.stderr.write(`\r${line}`));
    const result = await rescoreAll({ ...service.scoreDeps, crm: service.crm }, portalId, {
      onProgress: (p) => {
        const seconds = Math.max(0.001, (p.now - p.startedAt) / 1000);
        const rate = p.scored / seconds;
        const eta = total ? ((total - p.scored) / Math.max(rate, 1e-9)) * 1000 : Number.NaN;
        const width = 24;
        const done = total ? Math.min(width, Math.round((p.scored / total) * width)) : 0;
        const bar = total ? `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ` : '';
        show(
          `${bar}${p.scored}${total ? `/${total}` : ''} contacts, ${p.written} written, ${rate.toFixed(0)}/s, ETA ${formatDuration(eta)}   `,
        );
      },
    });
    if (!io.progress) process.stderr.write('\n');
    const seconds = (result.now - result.startedAt) / 1000;
    io.out(
      `rescored ${result.scored} contacts in ${seconds.toFixed(1)} s (${(result.scored / Math.max(seconds, 0.001)).toFixed(0)}/s): ${result.written} written, ${result.rejected} refused by HubSpot`,
    );
    return result.rejected > 0 ? 1 : 0;
  });
}

export async function deadLettersCommand(
  options: { replay?: string; replayAll?: boolean },
  io: CliIo,
): Promise<number> {
  return withService(io, async (service) => {
    const letters = await service.store.deadLetters();
    if (options.replay || options.replayAll) {
      const ids = options.replayAll ? letters.map((l) => l.id) : [options.replay!];
      let replayed = 0;
      for (const id of ids) if (await service.store.replayDeadLetter(id, Date.now())) replayed++;
      if (!options.replayAll && replayed === 0)
        throw new CliError(`dead-letters: no dead letter ${options.replay}`, 1);
      io.out(
        `replayed ${replayed} dead letter(s): they are queued again and the running service will process them`,
      );
      return 0;
    }
    if (letters.length === 0) {
      io.out('no dead letters');
      return 0;
    }
    io.out(['id', 'portal', 'contact', 'attempts', 'died at', 'error'].join('\t'));
    for (const l of letters)
      io.out(
        [l.id, l.portalId, l.contactId, l.attempts, new Date(l.diedAt).toISOString(), l.error].join('\t'),
      );
    return 0;
  });
}

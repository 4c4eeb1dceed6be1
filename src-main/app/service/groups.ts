// groups.*: a compare group is one shared config run by several methods (WID vs DistilBERT vs TinyBERT).
import type { RunMethod } from '../../shared/api/types.js';
import { ApiError } from './contract.js';
import type { Handlers, ServiceContext } from './service-context.js';
import { ConfigFiles } from '../../engine/config/config-files.js';
import { resolveRunConfig, type ResolvedRunConfig } from './run-config.js';
import { checkTargetNow, requestedTarget } from './targets.js';
import { badRequest, optionalString, plainObject, requestObject } from './validate.js';

export function groupsHandlers(ctx: ServiceContext): Handlers<'groups.list' | 'groups.create'> {
  const { store } = ctx;
  return {
    'groups.list': () => store.groups.list(),

    'groups.create': async (raw) => {
      const req = { ...requestObject(raw, 'groups.create') };
      const methods = req.methods;
      if (!Array.isArray(methods) || methods.length === 0) throw badRequest(`methods: expected a non-empty array of methods, got ${JSON.stringify(methods)}`);
      if (new Set(methods).size !== methods.length) throw badRequest(`methods: each method at most once, got ${JSON.stringify(methods)}`);
      plainObject(req, 'config');
      const target = requestedTarget(ctx, req);
      const config = plainObject(req, 'config');
      const name = optionalString(req, 'name', false)?.trim() || `compare ${(methods as string[]).join(' vs ')}`;
      // One seed for every member, so the methods differ only in method (unless the config fixes one).
      const shared = { ...config, seed: config.seed ?? Math.floor(Math.random() * 2 ** 31) };
      // Keys one member sets over the shared config (wid repro: each method's swept lr).
      const members = req.memberConfig === undefined ? {} : plainObject(req, 'memberConfig');
      for (const [m, v] of Object.entries(members)) {
        if (!(methods as unknown[]).includes(m)) throw badRequest(`memberConfig.${m}: not a method of this group (${(methods as string[]).join(', ')})`);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`memberConfig.${m}: expected an object of config keys, got ${JSON.stringify(v)}`);
      }
      // Every member is validated before anything is written.
      const files = new ConfigFiles();
      const resolved: ResolvedRunConfig[] = (methods as unknown[]).map((m, i) => {
        try { return resolveRunConfig(store, m, { ...shared, ...(Object.hasOwn(members, m as string) ? members[m as string] as Record<string, unknown> : {}) }, files); }
        catch (err) {
          if (err instanceof ApiError) throw badRequest(`methods[${i}] (${String(m)}): ${err.message}`);
          throw err;
        }
      });
      await checkTargetNow(ctx, target); // every member's config is sound: now ask the cluster, before anything is written
      const out = store.transaction(() => {
        const group = store.groups.insert({ name, config });
        const runs = resolved.map((r) => store.runs.insert({ ...r, name: `${name} · ${r.method as RunMethod}`, groupId: group.id, target }));
        return { group, runs };
      });
      for (const run of out.runs) { ctx.emit({ type: 'run.status', runId: run.id, status: run.status, error: null }); ctx.runner.adopt(run.id); }
      ctx.runner.pump();
      return { group: out.group, runs: out.runs.map((r) => store.runs.get(r.id)!) };
    },
  };
}

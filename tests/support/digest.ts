// "Nothing was written": the row count and a content digest of every table, to compare before and
// after a case. admin_audit is left out: refused admin commands are audited on purpose.
import { queryRows } from './ledger.ts';

export async function tableDigests(url: string): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(url, `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'admin_audit' ORDER BY 1`);
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: number; digest: string }>(url, `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`);
    digests[name] = `${row!.n}:${row!.digest}`;
  }
  return digests;
}

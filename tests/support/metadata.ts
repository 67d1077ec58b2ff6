// The entities' mapping as the server's MikroORM config discovers it, without a connection: for
// tests that drive hand-written SQL over a plain pool, and for tests that read the schema's names.
import { MikroORM, type MetadataStorage } from '@mikro-orm/postgresql';
import { ormConfig } from '../../schema/config.ts';

let metadata: MetadataStorage | undefined;

export function entityMetadata(): MetadataStorage {
  // The constructor discovers the entities synchronously; nothing connects until a query, and no
  // query is made through this instance.
  metadata ??= new MikroORM(ormConfig('postgres://unused@127.0.0.1:1/unused')).getMetadata();
  return metadata;
}

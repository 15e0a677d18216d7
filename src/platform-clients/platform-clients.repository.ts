import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Position } from '../common/http/pagination';

export interface PlatformClientRow {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** Keyset position (creation time to the microsecond, UTC). */
  sortKey: string;
}

const SORT_KEY = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const COLUMNS = `id, name, created_at AS "createdAt", revoked_at AS "revokedAt", ${SORT_KEY} AS "sortKey"`;

/**
 * The register of platform clients (installation-wide, no council), through the application's
 * connection. It holds client names and secret hashes, nothing of any council.
 */
@Injectable()
export class PlatformClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    name: string,
    secretHash: string,
    createdBy: string,
    em: EntityManager,
  ): Promise<PlatformClientRow> {
    const rows = (await em.query(
      `INSERT INTO platform_clients (name, secret_hash, created_by) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [name, secretHash, createdBy],
    )) as PlatformClientRow[];
    return rows[0];
  }

  async findWithHash(id: string): Promise<(PlatformClientRow & { secretHash: string }) | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS}, secret_hash AS "secretHash" FROM platform_clients WHERE id = $1`,
      [id],
    )) as (PlatformClientRow & { secretHash: string })[];
    return rows[0] ?? null;
  }

  /** A client that is not revoked: checked on every request, so revoking takes effect at once. */
  async findActive(id: string): Promise<PlatformClientRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM platform_clients WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    )) as PlatformClientRow[];
    return rows[0] ?? null;
  }

  /** A page (limit + 1 rows, for toPage) in order of registration. */
  async list(after: Position | null, limit: number): Promise<PlatformClientRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM platform_clients
        WHERE $1::text IS NULL OR (${SORT_KEY}, id) > ($1::text, $2::uuid)
        ORDER BY created_at, id LIMIT $3`,
      [after?.key ?? null, after?.id ?? null, limit + 1],
    )) as PlatformClientRow[];
  }

  /** Revokes once; returns the row either way (null if there is no such client). */
  async revoke(id: string, by: string, em: EntityManager): Promise<PlatformClientRow | null> {
    await em.query(
      `UPDATE platform_clients SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [id, by],
    );
    const rows = (await em.query(`SELECT ${COLUMNS} FROM platform_clients WHERE id = $1`, [
      id,
    ])) as PlatformClientRow[];
    return rows[0] ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { CouncilScope } from '../access/council-scope';
import { policySql } from '../access/sql-filter';
import { CASE_COLUMNS, CASE_FROM, CaseRow } from '../access/subject-registry';
import { normaliseName } from './name-normalisation';

export type MatchedField =
  'caseNumber' | 'name' | 'kana' | 'familyName' | 'givenName' | 'birthDate';

export interface ScoredCase extends CaseRow {
  score: number;
  matched: MatchedField[];
}

export interface SubjectToMatch {
  familyName: string;
  givenName: string;
  familyNameKana?: string | null;
  givenNameKana?: string | null;
  birthDate?: string | null;
}

/**
 * The least string above every string that begins with `key` (its last code point plus one): a
 * prefix match is then `key ~>=~ k AND k ~<~ upper`, bytewise like text_pattern_ops, whose
 * operators are leakproof — unlike LIKE — so row-level security lets them drive the index.
 */
export const prefixUpperBound = (key: string): string => {
  if (!key) return '';
  const chars = [...key];
  const last = chars.pop()!.codePointAt(0)!;
  return chars.join('') + String.fromCodePoint(last + 1);
};

/**
 * "Do we already know this person?" (issue 17): name search and duplicate matching on the
 * normalised keys (name-normalisation.ts), always under the caller's case read policy, so agency
 * staff find only cases their body may see. Scores rank exact full-name matches over a single
 * part over a prefix, and add the birth date; `matched` says what agreed.
 */
@Injectable()
export class CaseSearchRepository {
  async search(
    s: CouncilScope,
    q: { q?: string; birthDate?: string; caseNumber?: string },
    limit: number,
  ): Promise<ScoredCase[]> {
    const key = normaliseName(q.q);
    const params: unknown[] = [
      s.councilId,
      key,
      prefixUpperBound(key),
      q.birthDate ?? null,
      q.caseNumber ?? null,
      limit,
    ];
    const visible = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    // Only leakproof operators on plain columns in the filter (migration 1763780801000): under
    // RLS nothing else may be an index condition, and the search would read the whole council.
    const starts = (column: string) => `(${column} ~>=~ $2 AND ${column} ~<~ $3)`;
    return (await s.em.query(
      `SELECT * FROM (
         SELECT ${CASE_COLUMNS},
                (CASE WHEN $5::text IS NOT NULL AND c.case_number = $5 THEN 100 ELSE 0 END
                 + CASE WHEN $2 = '' THEN 0
                        WHEN c.full_kana_key = $2 OR c.full_name_key = $2 THEN 60
                        WHEN $2 IN (c.family_kana_key, c.given_kana_key, c.family_name_key, c.given_name_key) THEN 40
                        ELSE 20 END
                 + CASE WHEN $4::date IS NOT NULL AND c.birth_date = $4::date THEN 30 ELSE 0 END) AS score,
                array_remove(ARRAY[
                  CASE WHEN $5::text IS NOT NULL AND c.case_number = $5 THEN 'caseNumber' END,
                  CASE WHEN $2 <> '' AND (starts_with(c.full_kana_key, $2) OR starts_with(c.given_kana_key, $2)) THEN 'kana' END,
                  CASE WHEN $2 <> '' AND (starts_with(c.full_name_key, $2) OR starts_with(c.given_name_key, $2)) THEN 'name' END,
                  CASE WHEN $4::date IS NOT NULL AND c.birth_date = $4::date THEN 'birthDate' END
                ], NULL) AS matched
           FROM ${CASE_FROM}
          WHERE c.council_id = $1
            AND ($5::text IS NULL OR c.case_number = $5)
            AND ($4::date IS NULL OR c.birth_date = $4::date)
            AND ($2 = '' OR ${starts('c.full_kana_key')} OR ${starts('c.full_name_key')}
                 OR ${starts('c.given_kana_key')} OR ${starts('c.given_name_key')})
            AND ${visible}
       ) found
       ORDER BY score DESC, "createdAt" DESC, id
       LIMIT $6`,
      params,
    )) as ScoredCase[];
  }

  /**
   * Registered cases that may be this person: the same full name (kana or as written, after
   * normalisation), or the same birth date with one part of the name. Never `exceptId`.
   */
  async match(
    s: CouncilScope,
    subject: SubjectToMatch,
    exceptId: string | null,
    minScore: number,
  ): Promise<ScoredCase[]> {
    const params: unknown[] = [
      s.councilId,
      normaliseName(subject.familyNameKana),
      normaliseName(subject.givenNameKana),
      normaliseName(subject.familyName),
      normaliseName(subject.givenName),
      subject.birthDate ?? null,
      exceptId,
      minScore,
    ];
    const visible = policySql(s.principal.ability, 'read', 'Case', 'c', params);
    const kanaFull = `($2 <> '' AND $3 <> '' AND c.family_kana_key = $2 AND c.given_kana_key = $3)`;
    const nameFull = `(c.family_name_key = $4 AND c.given_name_key = $5)`;
    const birth = `($6::date IS NOT NULL AND c.birth_date = $6::date)`;
    const family = `(c.family_name_key = $4 OR ($2 <> '' AND c.family_kana_key = $2))`;
    const given = `(c.given_name_key = $5 OR ($3 <> '' AND c.given_kana_key = $3))`;
    return (await s.em.query(
      `SELECT * FROM (
         SELECT ${CASE_COLUMNS},
                (CASE WHEN ${kanaFull} THEN 50 ELSE 0 END + CASE WHEN ${nameFull} THEN 45 ELSE 0 END
                 + CASE WHEN ${birth} THEN 40 ELSE 0 END
                 + CASE WHEN NOT ${kanaFull} AND NOT ${nameFull} AND ${family} THEN 10 ELSE 0 END
                 + CASE WHEN NOT ${kanaFull} AND NOT ${nameFull} AND ${given} THEN 10 ELSE 0 END) AS score,
                array_remove(ARRAY[
                  CASE WHEN ${kanaFull} THEN 'kana' END,
                  CASE WHEN ${nameFull} THEN 'name' END,
                  CASE WHEN NOT ${kanaFull} AND NOT ${nameFull} AND ${family} THEN 'familyName' END,
                  CASE WHEN NOT ${kanaFull} AND NOT ${nameFull} AND ${given} THEN 'givenName' END,
                  CASE WHEN ${birth} THEN 'birthDate' END
                ], NULL) AS matched
           FROM ${CASE_FROM}
          WHERE c.council_id = $1 AND ($7::uuid IS NULL OR c.id <> $7)
            AND (${kanaFull} OR ${nameFull} OR (${birth} AND (${family} OR ${given})))
            AND ${visible}
       ) found
       WHERE score >= $8
       ORDER BY score DESC, "createdAt", id
       LIMIT 20`,
      params,
    )) as ScoredCase[];
  }
}

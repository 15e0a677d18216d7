/**
 * The one definition of "in force" (issue 12 item 7). A member body is in force from the day it
 * joined until the day before it leaves; a staff record is in force once its person has
 * accepted it (an invitation pending grants nothing, issue 13) until the day before it ends, and
 * only while its body is. `on` is the day asked about: today for access decisions, the
 * day of an event for the anomaly report. Every query that asks either question uses these
 * texts, so the principal lookup, meeting eligibility, coverage and reports cannot disagree.
 */
export const memberBodyInForce = (mb: string, on = 'current_date'): string =>
  `(${mb}.joined_on <= ${on} AND (${mb}.left_on IS NULL OR ${mb}.left_on > ${on}))`;

export const staffInForce = (st: string, mb: string, on = 'current_date'): string =>
  `(${st}.accepted_at IS NOT NULL AND (${st}.ended_on IS NULL OR ${st}.ended_on > ${on}) AND ${memberBodyInForce(mb, on)})`;

/** The same two rules in TypeScript (dates as YYYY-MM-DD strings, compared as text). */
export const isMemberBodyInForce = (
  b: { joinedOn: string; leftOn: string | null },
  on: string,
): boolean => b.joinedOn <= on && (b.leftOn === null || b.leftOn > on);

export const isStaffInForce = (
  s: { endedOn: string | null; acceptedAt: Date | string | null },
  b: { joinedOn: string; leftOn: string | null },
  on: string,
): boolean =>
  s.acceptedAt !== null && (s.endedOn === null || s.endedOn > on) && isMemberBodyInForce(b, on);

/**
 * Whether a statutory basis (法令に基づく共有) recorded on assignment `a` is in force `on` a day:
 * it has no review date (v1 records, never reviewed), or the review date has not passed. After
 * its review date a statutory basis lapses unless renewed (issue 17 item 7): the one coverage
 * text (subject-sql.ts ASSIGNMENT_COVERED) asks this, so every path that asks "is this body
 * covered on this case now" — case reads, lists, search, minutes, notes, worklist — follows.
 */
export const statutoryBasisInForce = (a: string, on = 'current_date'): string =>
  `(${a}.basis = 'statutory' AND (${a}.review_on IS NULL OR ${a}.review_on >= ${on}))`;

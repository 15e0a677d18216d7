import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { PrincipalResolver } from '../access/principal-resolver';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { Mailer } from '../mail/mailer';
import { WORKLIST_KINDS, WorklistKind } from '../worklist/worklist.repository';
import { DIGEST_WINDOW_DAYS, WorklistService } from '../worklist/worklist.service';
import { DigestRepository } from './digest.repository';

/** What each count means, in the mail (bilingual labels; never a name or a case number). */
const LABELS: Record<WorklistKind, string> = {
  consent_expiring: '期限が近い同意 / consents expiring',
  consent_expired: '期限切れの同意（割当あり） / consents expired under an assignment',
  review_due: '見直し期限 / reviews due',
  info_request_to_answer: '回答する情報提供依頼 / information requests to answer',
  info_request_awaiting_answer: '回答待ちの情報提供依頼 / information requests awaiting an answer',
  plan_action_due: '支援計画の行動 / plan actions due',
  action_item_due: '会議の宿題 / meeting action items due',
  pledge_not_accepted: '誓約未了の職員 / staff without the pledge',
  meeting_upcoming: '予定の会議 / meetings coming up',
  referral_awaiting_triage: '受付待ちのつなぎ / referrals awaiting triage',
  statutory_basis_lapsing: '見直し期限の近い法令に基づく共有 / statutory bases lapsing',
  retention_due: '保存期間満了 / records reaching their retention period',
  attachments_retention_due: '保存期間満了の添付ファイル / files reaching their retention period',
  subject_request_overdue: '期限超過の本人請求 / APPI requests past their deadline',
};

export interface DigestRun {
  sent: number;
  skipped: number;
}

/**
 * The daily digest (issue 18 item 2): per council, each person in force with a worklist gets
 * the counts of what is due and a link to the worklist — never a name, a case number or any
 * case content. Counting, the one-per-day claim, sending and the audit event (`digest.sent`)
 * happen in one council transaction under the person's own principal and policies, so the
 * counts are exactly what their worklist would show (DESIGN.md §3.1, §3.9), and a failed send
 * records nothing and is tried again on the next run.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digest');

  constructor(
    private readonly access: AccessService,
    private readonly principals: PrincipalResolver,
    private readonly worklist: WorklistService,
    private readonly repo: DigestRepository,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async run(): Promise<DigestRun> {
    const result: DigestRun = { sent: 0, skipped: 0 };
    const councils = await this.access.register(null, (r) => this.repo.councils(r));
    for (const council of councils) {
      const recipients = await this.access.system(council.id, async (s) => ({
        result: await this.repo.recipients(s),
        audit: null,
      }));
      for (const r of recipients) {
        try {
          if (await this.sendOne(council, r.userId, r.email)) result.sent += 1;
          else result.skipped += 1;
        } catch (error) {
          // One person's failure (mail down, record ended meanwhile) does not stop the others.
          result.skipped += 1;
          this.logger.warn(
            `digest not sent (council ${council.id}, user ${r.userId}): ${error instanceof Error ? error.name : 'error'}`,
          );
        }
      }
    }
    return result;
  }

  private async sendOne(
    council: { id: string; name: string },
    userId: string,
    email: string,
  ): Promise<boolean> {
    const p = await this.principals.forCouncil(userId, council.id);
    // No pledge, no worklist (Art. 18): nothing to send until it is accepted.
    if (!p.staff?.pledged) return false;
    return this.worklist.digest(p, async (s, counts) => {
      const claimed = await this.repo.claim(s, userId);
      if (!claimed) return false;
      const link = `${this.config.mail.publicUrl}/councils/${council.id}/worklist`;
      const lines = WORKLIST_KINDS.map((k) => `${LABELS[k]}: ${counts[k]}`);
      const total = WORKLIST_KINDS.reduce((n, k) => n + counts[k], 0);
      await this.mailer.send(
        {
          to: email,
          subject: `【${council.name}】本日の対応予定 ${total}件 / Today's worklist: ${total}`,
          text: [
            `${claimed.day} 時点で ${DIGEST_WINDOW_DAYS} 日以内の対応予定（期限超過を含む）:`,
            `Due within ${DIGEST_WINDOW_DAYS} days as of ${claimed.day} (overdue included):`,
            '',
            ...lines,
            '',
            `一覧 / Worklist: ${link}`,
            '',
            '配信停止 / Opt out: PUT /api/me/notifications {"dailyDigest": false}',
          ].join('\n'),
        },
        `digest (mail delivery not configured): council ${council.id} user ${userId} day ${claimed.day} ` +
          WORKLIST_KINDS.map((k) => `${k}=${counts[k]}`).join(' '),
      );
      return true;
    });
  }
}

import { Foundation1763780000000 } from './1763780000000-foundation';
import { CouncilStructure1763780100000 } from './1763780100000-council-structure';
import { AccessLayer1763780200000 } from './1763780200000-access-layer';
import { CaseWork1763780300000 } from './1763780300000-case-work';
import { AuditCheckpoints1763780400000 } from './1763780400000-audit-checkpoints';
import { Meetings1763780500000 } from './1763780500000-meetings';
import { Platform1763780600000 } from './1763780600000-platform';
import { CaseNeedToKnow1763780730000 } from './1763780730000-case-need-to-know';
import { CaseNameKeys1763780780000 } from './1763780780000-case-name-keys';
import { AccountsHardening1763780790000 } from './1763780790000-accounts-hardening';
import { MinutesNoTruncate1763780705000 } from './1763780705000-minutes-no-truncate';
import { AttendanceBody1763780710000 } from './1763780710000-attendance-body';
import { JobRuns1763780750000 } from './1763780750000-job-runs';
import { PublishedStatistics1763780740000 } from './1763780740000-published-statistics';
import { DatabaseHardening1763780741000 } from './1763780741000-database-hardening';
import { Accounts1763780760000 } from './1763780760000-accounts';
import { DirectoryFunctions1763780770000 } from './1763780770000-directory-functions';
import { IntakeLinksNotice1763780800000 } from './1763780800000-intake-links-notice';
import { CaseFullNameKeys1763780801000 } from './1763780801000-case-full-name-keys';
import { CaseIntakeFacts1763780805000 } from './1763780805000-case-intake-facts';
import { CouncilTimeZone1763780810000 } from './1763780810000-council-time-zone';
import { Attachments1763780811000 } from './1763780811000-attachments';
import { Digests1763780812000 } from './1763780812000-digests';
import { EnvelopeEncryption1763780815000 } from './1763780815000-envelope-encryption';
import { SubjectRequests1763780816000 } from './1763780816000-subject-requests';
import { SealIntakeAndFiles1763780817000 } from './1763780817000-seal-intake-and-files';
import { ReviewDueIndex1763780825000 } from './1763780825000-review-due-index';

/** Every migration, in order. Listed explicitly so that builds, tests and the CLI agree. */
export const migrations = [
  Foundation1763780000000,
  CouncilStructure1763780100000,
  AccessLayer1763780200000,
  CaseWork1763780300000,
  AuditCheckpoints1763780400000,
  Meetings1763780500000,
  Platform1763780600000,
  MinutesNoTruncate1763780705000,
  AttendanceBody1763780710000,
  CaseNeedToKnow1763780730000,
  PublishedStatistics1763780740000,
  DatabaseHardening1763780741000,
  JobRuns1763780750000,
  Accounts1763780760000,
  DirectoryFunctions1763780770000,
  CaseNameKeys1763780780000,
  AccountsHardening1763780790000,
  IntakeLinksNotice1763780800000,
  CaseFullNameKeys1763780801000,
  CaseIntakeFacts1763780805000,
  CouncilTimeZone1763780810000,
  Attachments1763780811000,
  Digests1763780812000,
  EnvelopeEncryption1763780815000,
  SubjectRequests1763780816000,
  SealIntakeAndFiles1763780817000,
  ReviewDueIndex1763780825000,
];

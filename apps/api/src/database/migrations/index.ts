import { InitialSchema1764288000000 } from './1764288000000-initial-schema';
import { Escalation1764300000000 } from './1764300000000-escalation';
import { Security1764310000000 } from './1764310000000-security';
import { Open3111764320000000 } from './1764320000000-open311';
import { IntakeIdempotency1764330000000 } from './1764330000000-intake-idempotency';
import { ReportPublication1764340000000 } from './1764340000000-report-publication';
import { SupportEscalation1764350000000 } from './1764350000000-support-escalation';
import { Units1764360000000 } from './1764360000000-units';
import { UnitPositions1764361000000 } from './1764361000000-unit-positions';
import { UnitsHotPositionUpdates1764362000000 } from './1764362000000-units-hot-position-updates';
import { Assets1764370000000 } from './1764370000000-assets';
import { Platform1764371000000 } from './1764371000000-platform';
import { PublicAlerts1764380000000 } from './1764380000000-public-alerts';
import { OpenData1764381000000 } from './1764381000000-open-data';

/** Every migration, in order. Add new ones at the end (one line each). */
export const MIGRATIONS = [
  InitialSchema1764288000000,
  Escalation1764300000000,
  Security1764310000000,
  Open3111764320000000,
  IntakeIdempotency1764330000000,
  ReportPublication1764340000000,
  SupportEscalation1764350000000,
  Units1764360000000,
  UnitPositions1764361000000,
  UnitsHotPositionUpdates1764362000000,
  Assets1764370000000,
  Platform1764371000000,
  PublicAlerts1764380000000,
  OpenData1764381000000,
];

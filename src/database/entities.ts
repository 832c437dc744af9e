import { ApiKeyEntity } from '../modules/api-keys/api-key.entity';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity';
import { AttendanceReminderEntity } from '../modules/events/attendance-reminder.entity';
import { AttendanceEntity } from '../modules/events/attendance.entity';
import { EmailPreferenceEntity } from '../modules/events/email-preference.entity';
import { CalendarTokenEntity } from '../modules/events/calendar-token.entity';
import { EventEntity } from '../modules/events/event.entity';
import { StudySessionItemEntity } from '../modules/events/study-session-item.entity';
import { EventSeriesEntity } from '../modules/events/series/event-series.entity';
import { AdminInvitationEntity } from '../modules/organisations/admin-invitation.entity';
import { ChapterEntity } from '../modules/organisations/chapter.entity';
import { InvitationEntity } from '../modules/organisations/invitation.entity';
import { MembershipEntity } from '../modules/organisations/membership.entity';
import { OrganisationAdminEntity } from '../modules/organisations/organisation-admin.entity';
import { OrganisationEntity } from '../modules/organisations/organisation.entity';
import { ConsentWordingEntity } from '../modules/petitions/consent-wording.entity';
import { PetitionEntity } from '../modules/petitions/petition.entity';
import { SignatureCountEntity } from '../modules/petitions/signature-count.entity';
import { SignatureEntity } from '../modules/petitions/signature.entity';
import { SignatureInboxEntity } from '../modules/petitions/signature-inbox.entity';
import { ReadingListItemEntity } from '../modules/reading-lists/reading-list-item.entity';
import { ReadingListShareEntity } from '../modules/reading-lists/reading-list-share.entity';
import { ReadingListEntity } from '../modules/reading-lists/reading-list.entity';
import { ReadingStatusEntity } from '../modules/reading-lists/reading-status.entity';
import { UserEntity } from '../modules/users/user.entity';
import { RateLimitEntity } from '../common/database/rate-limit.entity';
import { IdempotencyKeyEntity } from '../common/database/idempotency-key.entity';
import { TombstoneEntity } from '../modules/sync/tombstone.entity';
import { EmailTokenEntity } from '../common/links/email-token.entity';
import { SentEmailEntity } from '../common/mail/sent-email.entity';
import { WebhookDeliveryEntity } from '../modules/webhooks/webhook-delivery.entity';
import { WebhookEndpointEntity } from '../modules/webhooks/webhook-endpoint.entity';

/** Every entity, listed once: the app, the migration CLI and the tests share this list. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  OrganisationEntity,
  OrganisationAdminEntity,
  ChapterEntity,
  MembershipEntity,
  InvitationEntity,
  AdminInvitationEntity,
  ApiKeyEntity,
  EventEntity,
  EventSeriesEntity,
  StudySessionItemEntity,
  AttendanceEntity,
  AttendanceReminderEntity,
  EmailPreferenceEntity,
  CalendarTokenEntity,
  PetitionEntity,
  SignatureEntity,
  SignatureCountEntity,
  SignatureInboxEntity,
  ConsentWordingEntity,
  ReadingListEntity,
  ReadingListItemEntity,
  ReadingListShareEntity,
  ReadingStatusEntity,
  RateLimitEntity,
  IdempotencyKeyEntity,
  TombstoneEntity,
  EmailTokenEntity,
  SentEmailEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
];

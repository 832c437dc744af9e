import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ConsentWordingEntity } from './consent-wording.entity';
import { ConsentWordingsResolver } from './consent-wordings.resolver';
import { ConsentWordingsService } from './consent-wordings.service';
import { ExportsController } from './exports.controller';
import { PetitionSubscriptionsResolver } from './petition-subscriptions.resolver';
import { PetitionEntity } from './petition.entity';
import { ChapterPetitionsResolver, PetitionsResolver, SignatureFieldsResolver } from './petitions.resolver';
import { PetitionsService } from './petitions.service';
import { SignatureCountEntity } from './signature-count.entity';
import { SignatureCountNotifier } from './signature-count.notifier';
import { SignatureBatcher } from './signature-batcher';
import { SignatureEntity } from './signature.entity';
import { SignaturesExportService } from './signatures-export.service';
import { SigningService } from './signing.service';
import { ReceiveSignatureJob } from './jobs/receive-signature.job';
import { DrainSignatureInboxJob } from './jobs/drain-signature-inbox.job';
import { SignaturePage } from './pages/signature.page';
import { SignatureConfirmationService } from './signature-confirmation.service';

/** Petitions, public signing with exact sharded counts, signer privacy, consent wordings, exports and live counts. */
@Module({
  imports: [TypeOrmModule.forFeature([PetitionEntity, SignatureEntity, SignatureCountEntity, ConsentWordingEntity]), OrganisationsModule],
  controllers: [ExportsController],
  providers: [
    PetitionsService,
    SignatureBatcher,
    SigningService,
    PetitionsResolver,
    ChapterPetitionsResolver,
    SignaturesExportService,
    SignatureCountNotifier,
    PetitionSubscriptionsResolver,
    ConsentWordingsService,
    ConsentWordingsResolver,
    SignatureFieldsResolver,
    SignatureConfirmationService,
    ReceiveSignatureJob,
    DrainSignatureInboxJob,
    SignaturePage,
  ],
  exports: [PetitionsService],
})
export class PetitionsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ConsentWordingEntity } from './consent-wording.entity';
import { ConsentWordingsResolver } from './consent-wordings.resolver';
import { ConsentWordingsService } from './consent-wordings.service';
import { ExportsController } from './exports.controller';
import { PetitionSubscriptionsResolver } from './petition-subscriptions.resolver';
import { PetitionEntity } from './petition.entity';
import { ChapterPetitionsResolver, PetitionsResolver } from './petitions.resolver';
import { PetitionsService } from './petitions.service';
import { SignatureCountEntity } from './signature-count.entity';
import { SignatureCountNotifier } from './signature-count.notifier';
import { SignatureBatcher } from './signature-batcher';
import { SignatureEntity } from './signature.entity';
import { SignaturesExportService } from './signatures-export.service';
import { SigningService } from './signing.service';

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
  ],
  exports: [PetitionsService],
})
export class PetitionsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { ConsentWordingEntity } from './consent-wording.entity';
import { PetitionEntity } from './petition.entity';
import { ChapterPetitionsResolver, PetitionsResolver } from './petitions.resolver';
import { PetitionsService } from './petitions.service';
import { SignatureCountEntity } from './signature-count.entity';
import { SignatureEntity } from './signature.entity';
import { SigningService } from './signing.service';

/** Petitions, public signing with exact sharded counts, signer privacy. */
@Module({
  imports: [TypeOrmModule.forFeature([PetitionEntity, SignatureEntity, SignatureCountEntity, ConsentWordingEntity]), OrganisationsModule],
  providers: [PetitionsService, SigningService, PetitionsResolver, ChapterPetitionsResolver],
  exports: [PetitionsService],
})
export class PetitionsModule {}

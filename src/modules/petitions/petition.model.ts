import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { type Visibility, VisibilityEnum } from '../../common/access/visibility';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { PETITION_STATUSES, PetitionStatus, type PetitionEntity } from './petition.entity';
import type { SignatureEntity } from './signature.entity';

export const PetitionStatusEnum = graphqlEnum('PetitionStatus', PETITION_STATUSES);

@ObjectType('Petition')
export class Petition {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() title: string;
  @Field({ description: "Who the petition addresses, e.g. 'The Foreign Secretary'." }) target: string;
  @Field() body: string;
  @Field(() => Int, { nullable: true }) goal: number | null;
  @Field(() => PetitionStatusEnum) status: PetitionStatus;
  @Field(() => VisibilityEnum) visibility: Visibility;
  @Field(() => GraphQLISODateTime, { nullable: true }) closesAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  /** This row's own last change; Petition.updatedAt adds the signature count's (see PetitionsService.updatedAt). */
  rowUpdatedAt: Date;
  organisationId: string;
  chapterId: string | null;
}

export const PetitionConnection = ConnectionType(Petition);

@ObjectType('PublicSignature', { description: 'What the public may see of a signer who chose to be shown: first name and last initial.' })
export class PublicSignature {
  @Field() displayName: string;
  @Field(() => String, { nullable: true }) country: string | null;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
}

@ObjectType('Signature')
export class Signature {
  @Field(() => ID) id: string;
  @Field() fullName: string;
  @Field() email: string;
  @Field(() => String, { nullable: true }) postcode: string | null;
  @Field(() => String, { nullable: true }) country: string | null;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field() displayPublicly: boolean;
  @Field() contactConsent: boolean;
  @Field(() => String, { nullable: true }) source: string | null;
  @Field(() => GraphQLISODateTime) confirmedAt: Date;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  consentWordingId: string | null;
}

export const SignatureConnection = ConnectionType(Signature);

@ObjectType({
  description: `The same answer whatever the address's state (new, awaiting confirmation, already signed). A
signature made anonymously, or with an address other than the signed-in user's own verified one,
counts only once confirmed through the link emailed to that address. Signed-in users signing with
their own verified address, and SIGNATURES_WRITE keys (partners who confirmed the signer on their
own form), are confirmed at once. A repeat never changes a confirmed signature.`,
})
export class SignPetitionPayload {
  @Field(() => Petition) petition: Petition;
}

@ObjectType('ConsentWording', { description: 'One never-changed version of the contact-consent text signers are shown.' })
export class ConsentWording {
  @Field(() => ID) id: string;
  @Field() text: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
}

@ObjectType()
export class SignatureCountUpdate {
  @Field(() => ID) petitionId: string;
  @Field(() => Int) signatureCount: number;
}

export function toPetition(e: PetitionEntity): Petition {
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    target: e.target,
    body: e.body,
    goal: e.goal,
    status: e.status,
    visibility: e.visibility,
    closesAt: e.closesAt,
    createdAt: e.createdAt,
    rowUpdatedAt: e.updatedAt,
    organisationId: e.organisationId,
    chapterId: e.chapterId,
  };
}

export function toSignature(e: SignatureEntity): Signature {
  return {
    id: e.id,
    fullName: e.fullName,
    email: e.email,
    postcode: e.postcode,
    country: e.country,
    comment: e.comment,
    displayPublicly: e.displayPublicly,
    contactConsent: e.contactConsent,
    source: e.source,
    // Only confirmed signatures are ever listed.
    confirmedAt: e.confirmedAt!,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    consentWordingId: e.contactConsent ? e.consentWordingId : null,
  };
}

/** DESIGN.md: the first word of the full name and the initial of the last ("Ana María Quispe" → "Ana Q."). */
export function publicName(fullName: string): string {
  const words = fullName.trim().split(/\s+/);
  return words.length === 1 ? words[0] : `${words[0]} ${[...words.at(-1)!][0].toUpperCase()}.`;
}

export function toPublicSignature(e: Pick<SignatureEntity, 'fullName' | 'country' | 'comment' | 'createdAt'>): PublicSignature {
  return { displayName: publicName(e.fullName), country: e.country, comment: e.comment, createdAt: e.createdAt };
}

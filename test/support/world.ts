import { createChapter, createOrganisation, joinChapter, makeOrganiser, registerUser, TestUser } from './factories';
import type { TestApp } from './test-app';

/** The people and places most feature specs share. */
export interface World {
  admin: TestUser; // admin of org, not a member of any chapter
  organiser: TestUser; // ACTIVE organiser of chapter A
  organiserB: TestUser; // ACTIVE organiser of chapter B
  memberA: TestUser; // ACTIVE member of chapter A
  memberB: TestUser; // ACTIVE member of chapter B
  outsider: TestUser; // admin and organiser in another organisation
  stranger: TestUser; // signed in, no memberships
  org: { id: string; slug: string };
  chapterA: { id: string };
  chapterB: { id: string };
  otherOrg: { id: string; slug: string };
  otherChapter: { id: string };
}

/** One organisation with chapters A and B and their people, and another organisation with one chapter. */
export async function createWorld(t: TestApp): Promise<World> {
  const [admin, organiser, organiserB, memberA, memberB, outsider, stranger] = await Promise.all([
    registerUser(t, 'Carmen Admin'),
    registerUser(t, 'Olga Organiser'),
    registerUser(t, 'Bruno Organiser'),
    registerUser(t, 'Ana Quispe'),
    registerUser(t, 'Beto Mamani'),
    registerUser(t, 'Oscar Outsider'),
    registerUser(t, 'Sara Stranger'),
  ]);
  const org = await createOrganisation(t, admin);
  const [chapterA, chapterB] = await Promise.all([createChapter(t, admin, org.id), createChapter(t, admin, org.id)]);
  await Promise.all([
    makeOrganiser(t, admin, organiser, chapterA.id),
    makeOrganiser(t, admin, organiserB, chapterB.id),
    joinChapter(t, memberA, chapterA.id),
    joinChapter(t, memberB, chapterB.id),
  ]);
  const otherOrg = await createOrganisation(t, outsider);
  const otherChapter = await createChapter(t, outsider, otherOrg.id);
  return { admin, organiser, organiserB, memberA, memberB, outsider, stranger, org, chapterA, chapterB, otherOrg, otherChapter };
}

import { CLOSE_PETITION, OPEN_PETITION } from '../support/documents';
import {
  CREATE_PETITION,
  FORBID,
  gql,
  listedPetition,
  MANAGE_CHAPTER_PETITION,
  MANAGE_DRAFT_PETITION,
  MANAGE_ORG_WIDE,
  MANAGE_PETITION,
  newPetition,
  NOTFND,
  NULL,
  OK,
  PETITION,
  petitionInput,
  PUBLIC_ROW,
  refusedOnEveryNode,
  Row,
  SEE_CHAPTER_PETITION,
  SEE_DRAFT_PETITION,
  SEE_ORG_PETITION,
  SEE_ORG_WIDE_DRAFT,
  SIGN,
  SIGN_CHAPTER,
  SIGN_PUBLIC,
  SIGNATURES,
  SIGNATURES_ROW,
  signaturesCsv,
  signInput,
  UNAUTH,
  unique,
  UPDATE_PETITION,
  w,
  withSigner,
} from '../support/permission-matrix';

/** The permission matrix rows of petitions: seeing, managing, signing, and the personal data of signers (the signatures CSV included). */
export const petitionRows: Row[] = [
  // ---------------------------------------------------------------- petitions: reading
  {
    name: 'Query.petition (a PUBLIC petition of A1)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.public }, a), pick: (d) => d.petition }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.petition (an ORGANISATION petition of A1)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.organisation }, a), pick: (d) => d.petition }),
    expected: SEE_ORG_PETITION,
  },
  {
    name: 'Query.petition (a CHAPTER petition of A1)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.chapter }, a), pick: (d) => d.petition }),
    expected: SEE_CHAPTER_PETITION,
  },
  {
    name: 'Query.petition (a DRAFT petition of A1)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.draft }, a), pick: (d) => d.petition }),
    expected: SEE_DRAFT_PETITION,
  },
  {
    name: 'Query.petition (a CLOSED PUBLIC petition of A1)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.closed }, a), pick: (d) => d.petition }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.petition (an organisation-wide ORGANISATION petition)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.orgWide }, a), pick: (d) => d.petition }),
    expected: SEE_ORG_PETITION,
  },
  {
    name: 'Query.petition (an organisation-wide DRAFT petition)',
    covers: 'Query.petition',
    perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.orgWideDraft }, a), pick: (d) => d.petition }),
    expected: SEE_ORG_WIDE_DRAFT,
  },
  {
    name: 'Query.petitions (lists a PUBLIC petition of A1)',
    covers: 'Query.petitions',
    perform: listedPetition('public'),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.petitions (lists an ORGANISATION petition of A1)',
    covers: 'Query.petitions',
    perform: listedPetition('organisation'),
    expected: SEE_ORG_PETITION,
  },
  {
    name: 'Query.petitions (lists a CHAPTER petition of A1)',
    covers: 'Query.petitions',
    perform: listedPetition('chapter'),
    expected: SEE_CHAPTER_PETITION,
  },
  {
    name: 'Query.petitions (lists a DRAFT petition of A1)',
    covers: 'Query.petitions',
    perform: listedPetition('draft'),
    expected: SEE_DRAFT_PETITION,
  },
  {
    name: 'Query.petitions (lists an organisation-wide ORGANISATION petition)',
    covers: 'Query.petitions',
    perform: listedPetition('orgWide'),
    expected: SEE_ORG_PETITION,
  },
  {
    name: 'Query.petitions (lists an organisation-wide DRAFT petition)',
    covers: 'Query.petitions',
    perform: listedPetition('orgWideDraft'),
    expected: SEE_ORG_WIDE_DRAFT,
  },

  // ---------------------------------------------------------------- petitions: managing
  {
    name: 'Mutation.createPetition (in A1)',
    covers: 'Mutation.createPetition',
    perform: async (a) => ({
      res: await gql(CREATE_PETITION, { input: petitionInput() }, a),
      pick: (d) => (d.createPetition.status === 'DRAFT' ? d.createPetition : null),
    }),
    expected: MANAGE_PETITION,
  },
  {
    name: 'Mutation.createPetition (organisation-wide: admins only)',
    covers: 'Mutation.createPetition',
    perform: async (a) => ({
      res: await gql(CREATE_PETITION, { input: petitionInput({ chapterId: undefined }) }, a),
      pick: (d) => (d.createPetition.status === 'DRAFT' ? d.createPetition : null),
    }),
    expected: MANAGE_ORG_WIDE,
  },
  {
    name: 'Mutation.updatePetition (an OPEN PUBLIC petition of A1)',
    covers: 'Mutation.updatePetition',
    perform: async (a) => {
      const id = await newPetition();
      return {
        res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null),
      };
    },
    expected: MANAGE_PETITION,
  },
  {
    name: 'Mutation.updatePetition (an OPEN CHAPTER petition of A1)',
    covers: 'Mutation.updatePetition',
    perform: async (a) => {
      const id = await newPetition({ visibility: 'CHAPTER' });
      return {
        res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null),
      };
    },
    expected: MANAGE_CHAPTER_PETITION,
  },
  {
    name: 'Mutation.updatePetition (a DRAFT petition of A1)',
    covers: 'Mutation.updatePetition',
    perform: async (a) => {
      const id = await newPetition({}, 'DRAFT');
      return {
        res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null),
      };
    },
    expected: MANAGE_DRAFT_PETITION,
  },
  {
    name: 'Mutation.updatePetition (an OPEN PUBLIC organisation-wide petition: admins only)',
    covers: 'Mutation.updatePetition',
    perform: async (a) => {
      const id = await newPetition({ chapterId: undefined });
      return {
        res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null),
      };
    },
    expected: MANAGE_ORG_WIDE,
  },
  {
    name: 'Mutation.openPetition (a DRAFT petition of A1)',
    covers: 'Mutation.openPetition',
    perform: async (a) => {
      const id = await newPetition({}, 'DRAFT');
      return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
    },
    expected: MANAGE_DRAFT_PETITION,
  },
  {
    name: 'Mutation.openPetition (a CLOSED PUBLIC petition of A1: reopened)',
    covers: 'Mutation.openPetition',
    perform: async (a) => {
      const id = await newPetition({}, 'CLOSED');
      return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
    },
    expected: MANAGE_PETITION,
  },
  {
    name: 'Mutation.openPetition (an OPEN PUBLIC petition of A1: nothing changes)',
    covers: 'Mutation.openPetition',
    perform: async (a) => {
      const id = await newPetition();
      return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
    },
    expected: MANAGE_PETITION,
  },
  {
    name: 'Mutation.closePetition (an OPEN PUBLIC petition of A1)',
    covers: 'Mutation.closePetition',
    perform: async (a) => {
      const id = await newPetition();
      return { res: await gql(CLOSE_PETITION, { id }, a), pick: (d) => (d.closePetition.status === 'CLOSED' ? d.closePetition : null) };
    },
    expected: MANAGE_PETITION,
  },
  {
    name: 'Mutation.closePetition (an OPEN CHAPTER petition of A1)',
    covers: 'Mutation.closePetition',
    perform: async (a) => {
      const id = await newPetition({ visibility: 'CHAPTER' });
      return { res: await gql(CLOSE_PETITION, { id }, a), pick: (d) => (d.closePetition.status === 'CLOSED' ? d.closePetition : null) };
    },
    expected: MANAGE_CHAPTER_PETITION,
  },

  // ---------------------------------------------------------------- petitions: signing
  {
    name: 'Mutation.signPetition (an OPEN PUBLIC petition; anonymous too)',
    covers: 'Mutation.signPetition',
    perform: async (a) => ({
      res: await gql(SIGN, { input: signInput(w.pt.public) }, a),
      pick: (d) => (d.signPetition.petition.id === w.pt.public ? d.signPetition.petition : null),
    }),
    expected: SIGN_PUBLIC,
  },
  {
    name: 'Mutation.signPetition (an OPEN CHAPTER petition of A1: those who see it)',
    covers: 'Mutation.signPetition',
    perform: async (a) => ({
      res: await gql(SIGN, { input: signInput(w.pt.chapter) }, a),
      pick: (d) => (d.signPetition.petition.id === w.pt.chapter ? d.signPetition.petition : null),
    }),
    expected: SIGN_CHAPTER,
  },
  // The emailed token is the credential, so anyone reaches it; a dead token is BAD_USER_INPUT for all.
  {
    name: 'Mutation.confirmSignature (dead token)',
    covers: 'Mutation.confirmSignature',
    perform: async (a) => ({
      res: await gql(`mutation($t: String!) { confirmSignature(token: $t) { id } }`, { t: `dead-${unique()}` }, a),
      pick: (d) => d.confirmSignature,
    }),
    expected: [
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      UNAUTH,
    ],
  },
  {
    name: 'Mutation.signPetition (a DRAFT petition: not open to those who see it, not there for the rest)',
    covers: 'Mutation.signPetition',
    perform: async (a) => ({ res: await gql(SIGN, { input: signInput(w.pt.draft) }, a), pick: (d) => d.signPetition.petition }),
    //         anonymous user    member  organiser   otherOrg admin       otherAdmin keyScope    keyNoScope revokedKey
    expected: [NOTFND, NOTFND, NOTFND, 'CONFLICT', NOTFND, 'CONFLICT', NOTFND, 'CONFLICT', FORBID, UNAUTH],
  },
  {
    name: 'Mutation.signPetition (a CLOSED PUBLIC petition)',
    covers: 'Mutation.signPetition',
    perform: async (a) => ({ res: await gql(SIGN, { input: signInput(w.pt.closed) }, a), pick: (d) => d.signPetition.petition }),
    //         anonymous   user        member      organiser   otherOrg    admin       otherAdmin  keyScope    keyNoScope revokedKey
    expected: ['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', FORBID, UNAUTH],
  },

  // ---------------------------------------------------------------- personal-data fields of petitions
  {
    name: 'Petition.signatures (a PUBLIC petition of A1)',
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(SIGNATURES, { id: w.pt.public }, a),
      pick: (d) => withSigner(d.petition.signatures),
      fieldPath: ['petition', 'signatures'],
    }),
    expected: SIGNATURES_ROW,
  },
  {
    name: 'Petition.signatures (a CHAPTER petition of A1: null petition for those who may not see it)',
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(SIGNATURES, { id: w.pt.chapter }, a),
      pick: (d) => withSigner(d.petition?.signatures),
      fieldPath: ['petition', 'signatures'],
    }),
    //         anonymous user member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NULL, NULL, FORBID, OK, NULL, OK, NULL, OK, NULL, UNAUTH],
  },
  {
    name: "Petition.signatures (an organisation-wide PUBLIC petition: admins', not chapter organisers')",
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(SIGNATURES, { id: w.pt.orgWidePublic }, a),
      pick: (d) => withSigner(d.petition.signatures),
      fieldPath: ['petition', 'signatures'],
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'Petition.signatures (through Chapter.petitions of A2, organised by `otherOrganiser`)',
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(
        `query($id: ID!) { chapter(id: $id) { id name petitions { totalCount edges { node { id title signatures { edges { node { fullName email } } } } } } } }`,
        { id: w.a2.id },
        a,
      ),
      pick: (d) => {
        const edges = d.chapter.petitions.edges;
        expect(edges.map((e: any) => e.node.id).sort()).toEqual([w.pt.a2, w.pt.a2Unsigned].sort());
        return withSigner(edges.find((e: any) => e.node.id === w.pt.a2).node.signatures);
      },
      refusal: refusedOnEveryNode(['chapter', 'petitions', 'edges']),
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'Petition.signatures (through Query.petitions: the listed petitions of A1)',
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(
        `query($f: PetitionFilter) { petitions(filter: $f) { edges { node { id title signatures { edges { node { fullName email } } } } } } }`,
        { f: { chapterId: w.a1.id, search: w.listed } },
        a,
      ),
      pick: (d) => withSigner(d.petitions.edges.find((e: any) => e.node.id === w.pt.public)?.node.signatures),
      refusal: refusedOnEveryNode(['petitions', 'edges']),
    }),
    expected: SIGNATURES_ROW,
  },
  {
    name: 'Petition.signatures (through the signPetition payload)',
    covers: 'Petition.signatures',
    perform: async (a) => ({
      res: await gql(
        `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id title signatures(first: 100) { edges { node { fullName email } } } } } }`,
        { input: signInput(w.pt.public) },
        a,
      ),
      pick: (d) => withSigner(d.signPetition.petition.signatures),
      refusal: (res) => {
        if (a.name === 'keyWithoutScope') {
          // The operation itself is refused (no SIGNATURES_WRITE): nothing is signed, nothing answered.
          expect(res.errors!.map((e) => e.path)).toEqual([['signPetition']]);
          expect(res.data).toBeNull();
        } else {
          expect(res.errors!.map((e) => e.path)).toEqual([['signPetition', 'petition', 'signatures']]);
          expect(res.data?.signPetition.petition).toEqual(expect.objectContaining({ id: w.pt.public, signatures: null }));
        }
      },
    }),
    expected: SIGNATURES_ROW,
  },
  // GET /exports/petitions/:id/signatures.csv: 404 for who cannot see the petition, 403 for who sees it but may not export, 401 for bad credentials.
  {
    name: 'GET /exports/petitions/:id/signatures.csv (a PUBLIC petition of A1)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => w.pt.public, true),
    expected: SIGNATURES_ROW,
  },
  {
    name: 'GET /exports/petitions/:id/signatures.csv (a CHAPTER petition of A1)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => w.pt.chapter, true),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NOTFND, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, NOTFND, UNAUTH],
  },
  {
    name: 'GET /exports/petitions/:id/signatures.csv (a DRAFT petition of A1)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => w.pt.draft, false),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NOTFND, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, NOTFND, UNAUTH],
  },
  {
    name: 'GET /exports/petitions/:id/signatures.csv (an organisation-wide PUBLIC petition: admins, not chapter organisers)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => w.pt.orgWidePublic, true),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'GET /exports/petitions/:id/signatures.csv (a PUBLIC petition of A2, organised by `otherOrganiser`)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => w.pt.a2, true),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'GET /exports/petitions/:id/signatures.csv (no such petition)',
    covers: 'GET /exports/petitions/:id/signatures.csv',
    perform: signaturesCsv(() => '00000000-0000-4000-8000-000000000000', false),
    //         anonymous user    member  organiser otherOrg admin   otherAdmin keyScope keyNoScope revokedKey
    expected: [NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, UNAUTH],
  },
  {
    name: 'Petition.recentSignatures (public signers only, first name and initial: never an email)',
    covers: 'Petition.recentSignatures',
    perform: async (a) => ({
      res: await gql(
        `query($id: ID!) { petition(id: $id) { id recentSignatures(first: 50) { displayName country comment createdAt } } }`,
        { id: w.pt.public },
        a,
      ),
      pick: (d) => {
        const recent = d.petition.recentSignatures;
        const json = JSON.stringify(recent);
        expect(json).not.toContain('@');
        expect(json).not.toContain(w.signer.email.split('@')[0]);
        expect(json).not.toContain('Quispe');
        expect(json).not.toContain('Hugo');
        return recent.some((r: any) => r.displayName === 'Sara Q.') ? recent : null;
      },
    }),
    expected: PUBLIC_ROW,
  },
];

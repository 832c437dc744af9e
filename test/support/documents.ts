/** GraphQL documents that more than one test file sends; a document only one spec uses stays in that spec. */

/** Something anyone may ask, signed in or not. */
export const PUBLIC_QUERY = `{ organisations { totalCount } }`;

export const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) }`;
export const RESET_CALENDAR_TOKEN = `mutation { resetCalendarToken }`;

export const JOIN_CHAPTER = `mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`;
export const APPROVE_MEMBERSHIP = `mutation($id: ID!) { approveMembership(membershipId: $id) { id status } }`;
export const LEAVE_CHAPTER = `mutation($id: ID!) { leaveChapter(chapterId: $id) }`;

export const REVOKE_API_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;

export const PUBLISH_EVENT = `mutation($id: ID!) { publishEvent(id: $id) { id status } }`;

export const OPEN_PETITION = `mutation($id: ID!) { openPetition(id: $id) { id status } }`;
export const CLOSE_PETITION = `mutation($id: ID!) { closePetition(id: $id) { id status } }`;
export const SIGN_PETITION = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`;

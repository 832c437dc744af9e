import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../../common/database/transaction';
import { BadInputError, ConflictError, NotFoundError } from '../../../common/errors/domain-error';
import { expiredLinkView, type PageField, type PageView } from '../../../common/links/link-page';
import { isSingleLineText, NAME_MAX } from '../../../common/validation/text';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { UserEntity } from '../../users/user.entity';

const PASSWORD: PageField = { name: 'password', label: 'Your password', type: 'password', autocomplete: 'current-password' };
const NEW_ACCOUNT: PageField[] = [
  { name: 'displayName', label: 'Your name', type: 'text', autocomplete: 'name' },
  { name: 'password', label: 'Choose a password', type: 'password', autocomplete: 'new-password', hint: 'At least 10 characters.', minLength: 10 },
];

/** Wrong input on the page: shown above the form again, nothing changed (the transaction rolls back). */
class PageInputError extends Error {}

/** What an invitation page (chapter or admin) does with its invitation, in the POST's transaction. */
export interface InviteeAcceptance<T extends { email: string }> {
  /** Locks the invitation the emailed token names (spending the token); NOT_FOUND, CONFLICT or BAD_INPUT show the expired-link page. */
  lock(manager: EntityManager): Promise<T>;
  /** What the invitee is invited to, for the page's title. */
  name(manager: EntityManager, invitation: T): Promise<string | null>;
  /** Accepts for the signed-in or registered account. */
  accept(manager: EntityManager, invitation: T, userId: string): Promise<void>;
  /** Used while the name is not known yet. */
  fallbackName: string;
  /** The form's title for what the invitee is invited to. */
  title(name: string): string;
  /** The page after accepting. */
  done(name: string): PageView;
}

/** Whether the invited address has an account: the page asks for its password, or for a name and a new password. */
export function hasAccount(dataSource: DataSource, email: string): Promise<boolean> {
  return dataSource.getRepository(UserEntity).existsBy({ email });
}

/** The invitation page's form: the account's password, or a name and a new password for an address without an account. */
export function inviteeForm(title: string, withAccount: boolean): PageView {
  return withAccount
    ? { title, paragraphs: ['Enter your Marea password to accept the invitation.'], form: { fields: [PASSWORD], button: 'Accept the invitation' } }
    : { title, paragraphs: ['Create your Marea account to accept the invitation.'], form: { fields: NEW_ACCOUNT, button: 'Create my account and accept' } };
}

/**
 * An invitation page's one POST: the invitee proves the address by having the emailed link, so it
 * signs in with the account's password (or registers the address, verified, with a name and a new
 * password) and accepts, in one transaction. Wrong input shows the form again with nothing changed.
 */
export async function signInOrRegisterAndAccept<T extends { email: string }>(
  dataSource: DataSource,
  form: Record<string, string>,
  acceptance: InviteeAcceptance<T>,
): Promise<PageView> {
  let name = acceptance.fallbackName;
  let withAccount = false;
  try {
    await inTransaction(dataSource, async (manager) => {
      const invitation = await acceptance.lock(manager);
      name = (await acceptance.name(manager, invitation)) ?? name;
      let user = await manager.findOne(UserEntity, { where: { email: invitation.email }, lock: { mode: 'pessimistic_write' } });
      withAccount = Boolean(user);
      if (user) {
        if (!(await verifyPassword(user.passwordHash, form.password ?? ''))) throw new PageInputError('That password is not right.');
        // The link proved the address.
        if (!user.emailVerifiedAt) await manager.update(UserEntity, { id: user.id }, { emailVerifiedAt: new Date() });
      } else {
        const displayName = (form.displayName ?? '').trim();
        const password = form.password ?? '';
        if (!displayName || displayName.length > NAME_MAX || !isSingleLineText(displayName))
          throw new PageInputError('Please give your name (up to 200 characters).');
        if (password.length < 10 || password.length > 200) throw new PageInputError('The password must be 10 to 200 characters long.');
        user = await manager.save(
          manager.create(UserEntity, { email: invitation.email, displayName, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() }),
        );
      }
      await acceptance.accept(manager, invitation, user.id);
    });
  } catch (error) {
    if (error instanceof PageInputError) return { ...inviteeForm(acceptance.title(name), withAccount), error: error.message, status: 400 };
    if (error instanceof NotFoundError || error instanceof ConflictError || error instanceof BadInputError) return expiredLinkView();
    throw error;
  }
  return acceptance.done(name);
}

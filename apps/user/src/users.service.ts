import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@homestore/auth';
import { UserProfileUpdated, UserRegistered } from '@homestore/events';
import { DomainError } from '@homestore/domain';
import { Outbox } from '@homestore/messaging';
import { inUnitOfWork } from '@homestore/persistence';
import { AccessToken, AccessTokens } from './access-tokens';
import { LoginThrottle } from './login-throttle';
import { hashPassword, passwordMatches } from './passwords';
import { UserConfig } from './user.config';
import { profileOf, UserEntity, UserProfile } from './user.entity';
import { emailTaken, invalidCredentials, userNotFound } from './user.errors';

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  phone: string;
}

export interface ProfileChanges {
  name?: string;
  phone?: string;
}

/** The clerk's contact details in UserRegistered; the account is only for logging in. */
const STORE_CLERK = { name: 'Store clerk', phone: '000-0000-0000' };

/** Accounts: signup, login, profile. Every change commits together with the event that announces it. */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly tokens: AccessTokens,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Opens an account; 409 USER.EMAIL_TAKEN if the email is taken in any letter case. */
  async signUp(account: NewAccount, role: Role = 'customer'): Promise<UserProfile> {
    const { email, name, phone } = account;
    const user: UserProfile = { id: randomUUID(), email, name, phone, role };
    const passwordHash = await hashPassword(account.password);
    await inUnitOfWork(this.dataSource, async (work) => {
      // The unique index on lower(email) decides, also between concurrent signups; a taken email is not an error
      // here, so nothing (not even the password hash) reaches the query-error log.
      const inserted: unknown[] = await work.em.query(
        `INSERT INTO users (id, email, password_hash, name, phone, role) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
        [user.id, email, passwordHash, name, phone, role],
      );
      if (!inserted.length) throw emailTaken();
      this.outbox.add(work, [{ definition: UserRegistered, payload: { userId: user.id, email, name, phone, role } }]);
    });
    return user;
  }

  /**
   * An access token for the right email (any case) and password; one answer for every wrong pair. Failed logins are
   * limited per account and per client address (LoginThrottle): past a limit, 429 until its window ends.
   */
  async logIn(email: string, password: string, clientIp: string): Promise<AccessToken> {
    await this.throttle.assertMayTry(email, clientIp);
    const user = await this.byEmail(this.dataSource.manager, email);
    if (!(await passwordMatches(user?.passwordHash, password))) {
      await this.throttle.failed(email, clientIp);
      throw invalidCredentials();
    }
    await this.throttle.succeeded(email, clientIp);
    return this.tokens.issue({ id: user!.id, role: user!.role });
  }

  async profile(userId: string): Promise<UserProfile> {
    const user = await this.dataSource.manager.findOneBy(UserEntity, { id: userId });
    if (!user) throw userNotFound();
    return profileOf(user);
  }

  /** Changes name and/or phone; announces the whole contact snapshot, and nothing when nothing changed. */
  updateProfile(userId: string, changes: ProfileChanges): Promise<UserProfile> {
    return inUnitOfWork(this.dataSource, async (work) => {
      const user = await work.em.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw userNotFound();
      const name = changes.name ?? user.name;
      const phone = changes.phone ?? user.phone;
      if (name === user.name && phone === user.phone) return profileOf(user);
      Object.assign(user, { name, phone });
      await work.em.save(user);
      this.outbox.add(work, [{ definition: UserProfileUpdated, payload: { userId: user.id, email: user.email, name, phone } }]);
      return profileOf(user);
    });
  }

  /**
   * Makes sure the store clerk account exists: created with this password (and announced) once, whatever the number
   * of instances starting. An account of this email with another role is refused. Answers the account when it was
   * there already, undefined when this call created it.
   */
  async ensureStoreClerk(email: string, password: string): Promise<UserEntity | undefined> {
    const existing = await this.byEmail(this.dataSource.manager, email);
    if (!existing) {
      try {
        await this.signUp({ email, password, ...STORE_CLERK }, 'store');
        return undefined;
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'USER.EMAIL_TAKEN')) throw e;
        return this.ensureStoreClerk(email, password); // another instance created it meanwhile
      }
    }
    if (existing.role !== 'store') throw new Error(`STORE_ADMIN_EMAIL ${email} belongs to a ${existing.role} account: choose another email`);
    return existing;
  }

  /** The store clerk's password follows the configuration: changed when it no longer matches. */
  async followStoreClerkPassword(clerk: UserEntity, password: string): Promise<'unchanged' | 'password-changed'> {
    if (await passwordMatches(clerk.passwordHash, password)) return 'unchanged';
    await this.dataSource.manager.update(UserEntity, { id: clerk.id }, { passwordHash: await hashPassword(password) });
    return 'password-changed';
  }

  private byEmail(em: EntityManager, email: string): Promise<UserEntity | null> {
    return em.createQueryBuilder(UserEntity, 'u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }
}

/** Creates the store clerk account at start-up, from STORE_ADMIN_EMAIL / STORE_ADMIN_PASSWORD. */
@Injectable()
export class StoreClerk implements OnApplicationBootstrap {
  private readonly logger = new Logger(StoreClerk.name);

  constructor(
    private readonly users: UsersService,
    private readonly config: UserConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { STORE_ADMIN_EMAIL: email, STORE_ADMIN_PASSWORD: password } = this.config;
    const existing = await this.users.ensureStoreClerk(email, password);
    if (!existing) {
      this.logger.log(`store clerk account ${email}: created`);
      return;
    }
    // Checking the password is an argon2 verification, half a second of CPU: a restart does not wait for it.
    void this.users.followStoreClerkPassword(existing, password).then(
      (outcome) => outcome === 'password-changed' && this.logger.log(`store clerk account ${email}: password changed`),
      (e: Error) => this.logger.error(`store clerk account ${email}: its password could not be checked (${e.message})`),
    );
  }
}

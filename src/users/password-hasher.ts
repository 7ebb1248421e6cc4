import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id for passwords, which people choose and so need a slow, memory-hard hash. */
@Injectable()
export class PasswordHasher {
  // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
  private readonly options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
  /** Verified when no account matches, so a wrong email costs as long as a wrong password. */
  private readonly dummyHash = argon2.hash('dummy password for timing', this.options);

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.dummyHash), password);
    } catch {
      return false; // a malformed stored hash never signs anyone in
    }
  }
}

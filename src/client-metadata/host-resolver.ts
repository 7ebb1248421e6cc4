import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';

/** Turns a host name into every address it has. Abstract so tests can make a name resolve anywhere. */
export abstract class HostResolver {
  abstract resolve(hostname: string): Promise<string[]>;
}

@Injectable()
export class SystemHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<string[]> {
    const answers = await lookup(hostname, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  }
}

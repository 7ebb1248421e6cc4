import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { CryptoRandomSource, RandomSource } from './crypto/random';

@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: RandomSource, useClass: CryptoRandomSource },
  ],
  exports: [Clock, RandomSource],
})
export class CommonModule {}

import { Global, Module } from '@nestjs/common';
import { MailService } from './mail.service';

/** Email for every feature's job handlers; see MailService. */
@Global()
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}

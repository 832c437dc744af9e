import { applyDecorators } from '@nestjs/common';
import { IsISO31661Alpha2, IsTimeZone, IsUrl, MaxLength } from 'class-validator';

/** ISO 3166-1 alpha-2 country code. */
export const IsCountry = () => IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' });

/** IANA time zone name. */
export const IsZone = () => IsTimeZone({ message: 'must be an IANA time zone, e.g. Europe/London' });

/** An absolute http(s) URL of at most 2,000 characters. */
export const IsHttpUrl = () =>
  applyDecorators(
    MaxLength(2000, { message: 'must be at most 2000 characters' }),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http or https URL' }),
  );

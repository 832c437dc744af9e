import { Controller, ForbiddenException, Get, NotFoundException, Param, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../common/auth/access.decorators';
import type { AuthenticatedRequest } from '../../common/auth/authentication.middleware';
import { ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { isUuid } from '../../common/validation/id';
import { SignaturesExportService } from './signatures-export.service';

/**
 * File exports of personal data. `GET /exports/petitions/:id/signatures.csv`: the petition's
 * organisers, admins of its organisation and its organisation's SIGNATURES_READ keys. Unknown,
 * malformed and invisible ids are the same plain 404; visible but not allowed is 403; bad credentials 401.
 */
@Controller('exports')
export class ExportsController {
  constructor(private readonly signaturesExport: SignaturesExportService) {}

  @Public()
  @Get('petitions/:id/signatures.csv')
  async signatures(@Param('id') id: string, @Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    if (req.authError) throw new UnauthorizedException(req.authError.message);
    if (!isUuid(id)) throw new NotFoundException();
    const petition = await this.signaturesExport.exportablePetition(req.actor, id.toLowerCase()).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new NotFoundException();
      if (error instanceof ForbiddenError) throw new ForbiddenException(error.message);
      throw error;
    });
    await this.signaturesExport.writeCsv(petition.id, res, () => {
      res
        .status(200)
        .attachment(`${petition.slug}-signatures.csv`)
        .type('text/csv; charset=utf-8')
        .set({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    });
  }
}

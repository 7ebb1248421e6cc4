import { PartialType } from '@nestjs/swagger';
import { CreateClientDto } from './create-client.dto';

/** `PATCH /admin/clients/:client_id`: any subset of the metadata; the result must still hold together. */
export class UpdateClientDto extends PartialType(CreateClientDto) {}

import { ListClientsQuery } from '../../clients/dto/list-clients.query';

/** `GET /admin/users?offset=&limit=`: oldest first, paged like the clients. */
export class ListUsersQuery extends ListClientsQuery {}

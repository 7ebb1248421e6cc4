import { PROTECTED_RESOURCE_WELL_KNOWN } from '@nest-oauth/resource-server';
import type { AppConfig } from '../config/app-config';

/** Where `/api` describes itself (RFC 9728 §3.1: the well-known prefix before the resource's path). */
export const API_METADATA_PATH = `${PROTECTED_RESOURCE_WELL_KNOWN}/api`;

export function apiMetadataUrl(config: AppConfig): string {
  return `${config.issuer}${API_METADATA_PATH}`;
}

import { createServices, type Services } from '../app/services'
import type { Output } from './output'
import { interimAuth } from './interim-auth'

/** The services the CLI commands use, on the given data folder. */
export async function openCliServices(dataDir: string, _output: Output): Promise<Services> {
  return createServices({ dataDir, auth: interimAuth() })
}

/** Starts the services the whole test run shares (see the files this calls). */
export default async function globalSetup(): Promise<void> {
  // Filled in as services are added (S3 server, registry).
}

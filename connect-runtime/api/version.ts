/**
 * The Sluice release. Built-in plugins report it from version(); it is kept equal to the `version` in package.json
 * (a unit test checks), so that nothing outside the API needs to read package.json.
 */
export const SLUICE_VERSION = '0.1.0';

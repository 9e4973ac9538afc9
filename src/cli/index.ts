export const CLI_MODULE = "registers/cli" as const;

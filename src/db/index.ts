export const DB_MODULE = "registers/db" as const;

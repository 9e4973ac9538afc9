// Reference: what importing Zod itself costs (the greeting by hand, one schema built and used).
import { z } from "zod";

const [command, name] = process.argv.slice(2);
if (command === "greet") console.log(`Hello, ${z.string().parse(name)}!`);

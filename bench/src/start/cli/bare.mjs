// The baseline: a bare Node script that prints the greeting, no library.
const [command, name] = process.argv.slice(2);
if (command === "greet" && name) console.log(`Hello, ${name}!`);
else process.exitCode = 2;

// The subcommands, bundled apart from the init (dist/extras.js): `tinit -- cmd` and every
// container start never parse the supervisor, YAML or schema code.
export { addCtlCommand } from './ctl-command';
export { addDiagCommands } from './diag-commands';
export { addRunCommand } from './run-command';
export { addValidateCommand } from './validate-command';

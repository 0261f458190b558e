import JifenCLI

// `buildCommit` is written before each build by the BuildCommit plugin (Plugins/BuildCommit).
Jifen.runFromCommandLine(commit: buildCommit)

import JifenCLI

Jifen.runFromCommandLine()

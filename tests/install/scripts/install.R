# install_kerasrbridge() into WORKON_HOME (a temporary folder here).
library(kerasrbridge)
python <- install_kerasrbridge()
cat("INSTALLED", python, "\n")

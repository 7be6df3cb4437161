# A fresh session loads the saved model and predicts exactly what the first did.
args <- commandArgs(trailingOnly = TRUE)
order <- args[[1]]
for (package in strsplit(order, ",")[[1]]) library(package, character.only = TRUE)
model <- keras3::load_model(args[[2]])
expected <- readRDS(args[[3]])
predictions <- predict(model, expected$x, verbose = 0)
cat("IDENTICAL", identical(predictions, expected$predictions), "\n")
cat("MAX_DIFFERENCE", max(abs(predictions - expected$predictions)), "\n")

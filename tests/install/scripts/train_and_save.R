# keras3 and kerasrbridge, attached in the order given: a model with both
# packages' layers compiles, fits an epoch and is saved with its predictions.
args <- commandArgs(trailingOnly = TRUE)
order <- args[[1]]
model_path <- args[[2]]
expected_path <- args[[3]]
for (package in strsplit(order, ",")[[1]]) library(package, character.only = TRUE)
set.seed(1)
keras3::set_random_seed(1)
model <- keras3::keras_model_sequential(input_shape = c(8, 8, 3)) |>
  keras3::layer_conv_2d(filters = 4, kernel_size = 1) |>
  kerasrbridge::layer_depthwise_conv_2d(kernel_size = 3, strides = c(2, 1), padding = "same",
                                        depth_multiplier = 2) |>
  keras3::layer_depthwise_conv_2d(kernel_size = 2) |>
  keras3::layer_global_average_pooling_2d() |>
  keras3::layer_dense(units = 1)
keras3::compile(model, loss = "mse", optimizer = "adam")
x <- array(stats::runif(16 * 8 * 8 * 3), dim = c(16, 8, 8, 3))
y <- stats::runif(16)
history <- keras3::fit(model, x, y, epochs = 1, batch_size = 8, verbose = 0)
cat("LOSS", history$metrics$loss, "\n")
keras3::save_model(model, model_path)
saveRDS(list(x = x, predictions = predict(model, x, verbose = 0)), expected_path)
cat("LAYERS", vapply(model$layers, function(layer) class(layer)[[1]], ""), "\n")
cat("MANAGED", isTRUE(reticulate::py_config()$ephemeral), "\n")

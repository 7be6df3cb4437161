# Interop with keras3, which the current R stack installs. keras3 needs
# reticulate >= 1.42, so Debian's stack (reticulate 1.28) cannot have it: there
# the one test below checks exactly that, and the interop tests run in the
# current stack (both stacks run in CI). Where keras3 is expected
# (KERASRBRIDGE_STACK=current), its absence fails.
if (!requireNamespace("keras3", quietly = TRUE)) {
  test_that("keras3 is absent only where it cannot be installed", {
    expect_false(identical(Sys.getenv("KERASRBRIDGE_STACK"), "current"), label = "keras3 missing in the current stack")
    expect_true(utils::packageVersion("reticulate") < "1.42", label = "reticulate < 1.42 (keras3 cannot be installed)")
  })
} else {
  test_that("our layers sit in keras_model_sequential() beside keras3 layers, and keras3 trains, saves and loads it", {
    keras3::set_random_seed(7)
    x <- array(runif(32 * 10 * 10 * 3), c(32, 10, 10, 3))
    y <- array(runif(32 * 2), c(32, 2))
    model <- keras3::keras_model_sequential(input_shape = c(10, 10, 3)) |>
      keras3::layer_conv_2d(4, 1) |>
      layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2, activation = "relu",
                              depthwise_initializer = keras3::initializer_he_normal(seed = 1),
                              depthwise_regularizer = keras3::regularizer_l2(0.01),
                              bias_constraint = keras3::constraint_maxnorm(2)) |>
      layer_depthwise_conv_2d(kernel_size = 3, strides = c(2, 1), padding = "same") |>
      keras3::layer_global_average_pooling_2d() |>
      keras3::layer_dense(2)
    expect_s3_class(model, "keras.src.models.sequential.Sequential")
    expect_identical(unlist(model$output_shape), 2L)
    keras3::compile(model, optimizer = "adam", loss = "mse")
    history <- keras3::fit(model, x, y, epochs = 2, batch_size = 8, verbose = 0)
    expect_length(history$metrics$loss, 2L)
    evaluated <- keras3::evaluate(model, x, y, verbose = 0)
    expect_true(is.finite(unlist(evaluated)[[1]]))
    predicted <- predict(model, x, verbose = 0)
    expect_identical(dim(predicted), c(32L, 2L))
    summary_text <- utils::capture.output(summary(model))
    expect_true(any(grepl("UnequalStridesDepthwiseConv2D|depthwise", summary_text)))
    path <- tempfile(fileext = ".keras")
    keras3::save_model(model, path)
    loaded <- keras3::load_model(path)
    expect_identical(predict(loaded, x, verbose = 0), predicted)
  })

  test_that("keras3 tensors and layer_input() are accepted as object", {
    input <- keras3::layer_input(shape = c(12, 4))
    output <- input |> layer_depthwise_conv_1d(kernel_size = 3, depth_multiplier = 2)
    expect_identical(unlist(output$shape[-1]), c(10L, 8L))
    model <- keras3::keras_model(input, output)
    expect_identical(unlist(model$output_shape), c(10L, 8L))

    tensor <- keras3::op_convert_to_tensor(array(runif(2 * 6 * 6 * 3), c(2, 6, 6, 3)))
    y <- layer_depthwise_conv_2d(tensor, kernel_size = 3)
    expect_identical(dim(as.array(y)), c(2L, 4L, 4L, 3L))
    integer_tensor <- keras3::op_convert_to_tensor(array(1:8, c(1, 8, 1)), dtype = "int32")
    expect_identical(dim(as.array(layer_depthwise_conv_1d(integer_tensor, kernel_size = 2))), c(1L, 7L, 1L))
  })

  test_that("R functions work as activation and constraint beside keras3", {
    keras3::set_random_seed(3)
    x <- array(runif(8 * 9 * 2, -1, 1), c(8, 9, 2))
    y <- array(runif(8), c(8, 1))
    clip <- function(w) keras3::op_clip(w, -0.05, 0.05)
    # R closures: the layer warns that a saved model cannot restore them.
    model <- suppressWarnings(classes = "kerasrbridge_warning",
      keras3::keras_model_sequential(input_shape = c(9, 2)) |>
        layer_depthwise_conv_1d(kernel_size = 3, activation = function(x) keras3::op_relu(x) * 2,
                                depthwise_constraint = clip) |>
        keras3::layer_flatten() |>
        keras3::layer_dense(1)
    )
    keras3::compile(model, optimizer = keras3::optimizer_sgd(0.5), loss = "mse")
    keras3::fit(model, x, y, epochs = 2, verbose = 0)
    kernel <- keras3::get_weights(model)[[1]]
    expect_lte(max(abs(kernel)), 0.05 + 1e-7)
    hidden <- as.array(model$layers[[1]](x))
    expect_gte(min(hidden), 0)
  })

  test_that("with both packages attached, kerasrbridge:: and keras3:: each give their own function", {
    ours <- kerasrbridge::layer_depthwise_conv_2d(kernel_size = 2.5 + 0.5)
    theirs <- keras3::layer_depthwise_conv_2d(kernel_size = 3)
    expect_identical(ours$get_config()$kernel_size, theirs$get_config()$kernel_size)
    expect_error(kerasrbridge::layer_depthwise_conv_2d(kernel_size = 2.5), class = "kerasrbridge_error")
    expect_identical(names(formals(kerasrbridge::layer_depthwise_conv_2d)),
                     names(formals(keras3::layer_depthwise_conv_2d)))
  })
}

if (requireNamespace("keras3", quietly = TRUE)) {
  test_that("the formals are keras3's installed ones, not only the copy in test-formals.R", {
    for (name in c("layer_depthwise_conv_1d", "layer_depthwise_conv_2d", "layer_separable_conv_1d",
                   "layer_separable_conv_2d")) {
      expect_identical(formals(getExportedValue("kerasrbridge", name)), formals(getExportedValue("keras3", name)),
                       label = name)
    }
  })
}

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

  # ---------------------------------------------------------------- the separable family beside keras3

  test_that("our separable layers sit beside keras3's in one model; keras3 trains, saves and loads it", {
    keras3::set_random_seed(11)
    x <- array(runif(16 * 12 * 12 * 3), c(16, 12, 12, 3))
    y <- array(runif(16 * 2), c(16, 2))
    model <- keras3::keras_model_sequential(input_shape = c(12, 12, 3)) |>
      keras3::layer_conv_2d(4, 1) |>
      layer_separable_conv_2d(filters = 8, kernel_size = 3, depth_multiplier = 2, activation = "relu",
                              pointwise_initializer = keras3::initializer_he_normal(seed = 1),
                              pointwise_regularizer = keras3::regularizer_l2(0.01),
                              depthwise_constraint = keras3::constraint_maxnorm(2)) |>
      keras3::layer_separable_conv_2d(filters = 8, kernel_size = 3, strides = 2, padding = "same") |>
      layer_separable_conv_2d(filters = 6, kernel_size = 3, strides = c(2, 1)) |>
      keras3::layer_global_average_pooling_2d() |>
      keras3::layer_dense(2)
    expect_identical(unlist(model$output_shape), 2L)
    kinds <- vapply(model$layers, function(layer) class(layer)[1], "")
    expect_identical(sum(grepl("Separable|UnequalStrides", kinds)), 3L)
    keras3::compile(model, optimizer = "adam", loss = "mse")
    history <- keras3::fit(model, x, y, epochs = 2, batch_size = 8, verbose = 0)
    expect_length(history$metrics$loss, 2L)
    predicted <- predict(model, x, verbose = 0)
    expect_identical(dim(predicted), c(16L, 2L))
    path <- tempfile(fileext = ".keras")
    keras3::save_model(model, path)
    loaded <- keras3::load_model(path)
    expect_identical(predict(loaded, x, verbose = 0), predicted)

    # 1D, functional: keras3's layer_input() and ours, then keras3's layers.
    input <- keras3::layer_input(shape = c(20, 4))
    output <- input |>
      layer_separable_conv_1d(filters = 8, kernel_size = 3, activation = "relu") |>
      keras3::layer_separable_conv_1d(filters = 4, kernel_size = 3, strides = 2) |>
      layer_separable_conv_1d(filters = 2, kernel_size = 2, padding = "same") |>
      keras3::layer_global_average_pooling_1d() |>
      keras3::layer_dense(1)
    model1 <- keras3::keras_model(input, output)
    keras3::compile(model1, optimizer = "sgd", loss = "mse")
    x1 <- array(runif(8 * 20 * 4), c(8, 20, 4))
    keras3::fit(model1, x1, array(runif(8), c(8, 1)), epochs = 1, verbose = 0)
    expect_identical(dim(predict(model1, x1, verbose = 0)), c(8L, 1L))
  })

  test_that("ours and keras3's separable layers build the same layer and convert their results alike", {
    for (rank in 1:2) {
      ours_fn <- getExportedValue("kerasrbridge", paste0("layer_separable_conv_", rank, "d"))
      keras3_fn <- getExportedValue("keras3", paste0("layer_separable_conv_", rank, "d"))
      args <- list(filters = 5, kernel_size = 3, depth_multiplier = 2, padding = "same", activation = "relu",
                   pointwise_initializer = "he_normal")
      ours <- do.call(ours_fn, args)
      theirs <- do.call(keras3_fn, args)
      expect_identical(config_of(ours), config_of(theirs))
      x <- array(runif(2 * 6^rank * 3), c(2, rep(6, rank), 3))
      shape <- c(list(NULL), as.list(dim(x)[-1]))
      ours$build(shape)
      theirs$build(shape)
      theirs$set_weights(ours$get_weights())
      ours_y <- ours(x)
      theirs_y <- theirs(x)
      # keras3 (and the tensorflow R package it loads) converts both results.
      expect_identical(as.array(ours_y), as.array(theirs_y))
      expect_identical(dim(ours_y), dim(theirs_y))
      expect_identical(as.numeric(ours_y), as.numeric(theirs_y))
    }
    expect_error(kerasrbridge::layer_separable_conv_2d(filters = 2.5, kernel_size = 3), class = "kerasrbridge_error",
                 regexp = "`filters`")
    expect_identical(names(formals(kerasrbridge::layer_separable_conv_2d)),
                     names(formals(keras3::layer_separable_conv_2d)))
  })

  # A fresh R session attaching both packages in the given order: the
  # unqualified names are the last attached package's, and either package's
  # separable layers work, mixed in one model.
  attach_order_script <- function(first, last) {
    c(
      sprintf("suppressPackageStartupMessages({library(%s); library(%s, warn.conflicts = FALSE)})", first, last),
      "owner <- function(f) environmentName(environment(f))",
      "cat('owner', owner(layer_separable_conv_1d), owner(layer_separable_conv_2d), owner(layer_depthwise_conv_2d), '\\n')",
      "x <- array(runif(2 * 8 * 8 * 3), c(2, 8, 8, 3))",
      "model <- keras_model_sequential(input_shape = c(8, 8, 3)) |>",
      "  layer_separable_conv_2d(filters = 4, kernel_size = 3) |>",
      "  kerasrbridge::layer_separable_conv_2d(filters = 6, kernel_size = 3, padding = 'same') |>",
      "  keras3::layer_separable_conv_2d(filters = 2, kernel_size = 3) |>",
      "  layer_flatten() |> layer_dense(1)",
      "cat('model', dim(predict(model, x, verbose = 0)), '\\n')",
      "y <- x |> layer_separable_conv_2d(filters = 4, kernel_size = 3)",
      "cat('array', dim(as.array(y)), '\\n')",
      "y1 <- array(runif(2 * 10 * 3), c(2, 10, 3)) |> layer_separable_conv_1d(filters = 5, kernel_size = 3)",
      "cat('array1d', dim(as.array(y1)), '\\n')",
      "e <- tryCatch(layer_separable_conv_2d(filters = 2.5, kernel_size = 3), error = identity)",
      "cat('error', inherits(e, 'kerasrbridge_error'), '\\n')",
      "e <- tryCatch(kerasrbridge::layer_separable_conv_1d(filters = 2.5, kernel_size = 3), error = identity)",
      "cat('ours_error', inherits(e, 'kerasrbridge_error'), grepl('`filters`', conditionMessage(e), fixed = TRUE), '\\n')"
    )
  }

  run_fresh_rscript <- function(code) {
    script <- tempfile(fileext = ".R")
    writeLines(code, script)
    on.exit(unlink(script))
    rscript <- file.path(R.home("bin"), "Rscript")
    output <- suppressWarnings(system2("env", c(paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep)),
                                                "TF_CPP_MIN_LOG_LEVEL=3", rscript, script),
                                       stdout = TRUE, stderr = TRUE))
    list(output = output, status = if (is.null(attr(output, "status"))) 0L else attr(output, "status"))
  }

  test_that("in either attach order, the last attached package's names answer and both packages' layers mix", {
    for (order in list(c("keras3", "kerasrbridge"), c("kerasrbridge", "keras3"))) {
      result <- run_fresh_rscript(attach_order_script(order[1], order[2]))
      label <- paste(order, collapse = " then ")
      expect_identical(result$status, 0L, label = paste(label, "exit status"))
      lines <- trimws(grep("^(owner|model|array|array1d|error|ours_error) ", result$output, value = TRUE))
      ours_last <- order[2] == "kerasrbridge"
      expect_identical(lines, c(
        paste("owner", order[2], order[2], order[2]),
        "model 2 1",
        "array 2 6 6 4",
        "array1d 2 8 5",
        paste("error", if (ours_last) "TRUE" else "FALSE"),
        "ours_error TRUE TRUE"
      ), label = paste(label, "output:", paste(result$output, collapse = "\n")))
    }
  })

  # ---------------------------------------------------------------- keras3's own tests, with ours in place of keras3's

  # keras3 1.5.1's tests/testthat/test-layers.R: its smoke tests of the four
  # functions we provide, verbatim (lines 165-191 and 526-533), and the helpers
  # of its tests/testthat/helper-utils.R they use, verbatim. Kept as text (parsed
  # here) so that R CMD check does not read keras3's helpers' withr:: and rlang::
  # calls as our dependencies (testthat brings both). Where keras3's source is at
  # hand (its installed tests, or the source package in shared/r-src that the
  # current stack installs keras3 from), the copies are checked against it.
  keras3_layer_tests <- r"---(
test_call_succeeds("layer_separable_conv_2d", {
  if (is_tensorflow_implementation()) {
    keras_model_sequential() %>%
      layer_dense(32, input_shape = c(784)) %>%
      layer_reshape(target_shape = c(2,4,4)) %>%
      layer_separable_conv_2d(filters = 4, kernel_size = c(2,2))
  }
})


test_call_succeeds("layer_depthwise_conv_2d", required_version = "2.1.5", {
  if (is_tensorflow_implementation()) {
    keras_model_sequential() %>%
      layer_dense(32, input_shape = c(784)) %>%
      layer_reshape(target_shape = c(2,4,4)) %>%
      layer_depthwise_conv_2d(kernel_size = c(2,2))
  }
})

if(tf_version() >= "2.8")
test_call_succeeds("layer_depthwise_conv_1d", {
  keras_model_sequential() %>%
    layer_dense(32, input_shape = c(784)) %>%
    layer_reshape(target_shape = c(4, -1)) %>%
    layer_depthwise_conv_1d(kernel_size = 2)
})

test_call_succeeds("layer_separable_conv_1d", required_version = "2.1.3", {
  if (is_tensorflow_implementation()) {
    keras_model_sequential() %>%
      layer_dense(32, input_shape = c(784)) %>%
      layer_reshape(target_shape = c(4, 8)) %>%
      layer_separable_conv_1d(filters = 4, kernel_size = c(4))
  }
})
)---"

  keras3_test_helpers <- r"---(
skip_if_no_keras <- function(required_version = NULL) {
  if (!is_keras_available(required_version))
    skip("required keras version not available for testing")
}

defer_parent <- withr::defer_parent

local_py_capture_output <- function(type = c("stdout", "stderr")) {
  stopifnot(reticulate::py_available(TRUE))
  type <- match.arg(type, several.ok = TRUE)
  output_tools <- import("rpytools.output")
  capture_stdout <- "stdout" %in% type
  capture_stderr <- "stderr" %in% type
  context_manager <- output_tools$OutputCaptureContext(
    capture_stdout, capture_stderr
  )
  context_manager$`__enter__`()

  defer_parent({
    context_manager$`__exit__`(NULL, NULL, NULL)
    context_manager$collect_output()
  })
}

local_output_sink <- withr::local_output_sink

test_succeeds <- function(desc, expr, required_version = NULL) {
  if(!is.null(required_version))
    skip_if_no_keras(required_version)


  if(!interactive()) {
    local_py_capture_output()
    local_output_sink(nullfile())
  }


  rlang::eval_tidy(
    rlang::expr(test_that(!!desc, {
      expect_no_error( {{expr}} )
      expect_true(TRUE) # https://github.com/r-lib/testthat/issues/2037
      } ))
    # , # env = parent.frame()
  )

}

test_call_succeeds <- function(call_name, expr, required_version = NULL) {
  test_succeeds(paste(call_name, "call succeeds"), expr, required_version)
}
)---"

  OUR_FUNCTIONS <- c("layer_depthwise_conv_1d", "layer_depthwise_conv_2d", "layer_separable_conv_1d",
                     "layer_separable_conv_2d")

  # keras3's tests run in an environment whose parent is keras3's namespace
  # (testthat's test_check()): its internals such as is_tensorflow_implementation()
  # answer there. With `ours`, our four functions sit between, masking keras3's.
  keras3_test_env <- function(ours) {
    parent <- asNamespace("keras3")
    if (ours) {
      parent <- new.env(parent = parent)
      for (name in OUR_FUNCTIONS) assign(name, getExportedValue("kerasrbridge", name), envir = parent)
    }
    env <- new.env(parent = parent)
    for (expr in parse(text = keras3_test_helpers, keep.source = FALSE)) eval(expr, env)
    env
  }

  # keras3's test files, from its installed tests or its source package, or NULL.
  keras3_test_file <- function(name) {
    installed <- system.file("tests", "testthat", name, package = "keras3")
    if (nzchar(installed)) return(installed)
    tarball_name <- sprintf("keras3_%s.tar.gz", utils::packageVersion("keras3"))
    dirs <- Sys.getenv("RSRC")
    dir <- normalizePath(getwd())
    while (!identical(dirname(dir), dir)) {
      dirs <- c(dirs, file.path(dir, "shared", "r-src"))
      dir <- dirname(dir)
    }
    for (tarball in file.path(dirs[nzchar(dirs)], tarball_name)) {
      if (file.exists(tarball)) {
        exdir <- tempfile("keras3-tests")
        member <- file.path("keras3", "tests", "testthat", name)
        if (identical(utils::untar(tarball, files = member, exdir = exdir), 0L) && file.exists(file.path(exdir, member))) {
          return(file.path(exdir, member))
        }
      }
    }
    NULL
  }

  # The top-level expressions of keras3's test file that test our four functions
  # (a test_call_succeeds() call, or one under `if`).
  our_blocks_of <- function(exprs) {
    tested <- function(e) {
      is.call(e) && identical(e[[1]], as.name("test_call_succeeds")) && as.character(e[[2]]) %in% OUR_FUNCTIONS
    }
    Filter(function(e) tested(e) || (is.call(e) && identical(e[[1]], as.name("if")) && tested(e[[3]])), exprs)
  }

  test_that("the vendored keras3 tests and helpers are keras3's own, where keras3's source is at hand", {
    layers_file <- keras3_test_file("test-layers.R")
    helpers_file <- keras3_test_file("helper-utils.R")
    if (is.null(layers_file) || is.null(helpers_file)) {
      # A stack (the Makefile's, CI's) promises them: ../shared/r-src holds keras3's source tarball.
      if (nzchar(Sys.getenv("KERASRBRIDGE_STACK")) || identical(Sys.getenv("CI"), "true")) {
        stop("keras3's test sources are not at hand (installed tests or keras3's source tarball in shared/r-src)")
      }
      skip("keras3's test sources are not at hand")
    }
    vendored <- parse(text = keras3_layer_tests, keep.source = FALSE)
    upstream <- our_blocks_of(as.list(parse(layers_file, keep.source = FALSE)))
    expect_length(upstream, 4L)
    expect_identical(lapply(upstream, deparse), lapply(as.list(vendored), deparse))
    helpers <- as.list(parse(text = keras3_test_helpers, keep.source = FALSE))
    helper_names <- vapply(helpers, function(e) as.character(e[[2]]), "")
    upstream_helpers <- Filter(function(e) is.call(e) && identical(e[[1]], as.name("<-")) &&
                                 as.character(e[[2]])[1] %in% helper_names,
                               as.list(parse(helpers_file, keep.source = FALSE)))
    expect_identical(vapply(upstream_helpers, function(e) as.character(e[[2]]), ""), helper_names)
    expect_identical(lapply(upstream_helpers, deparse), lapply(helpers, deparse))
  })

  test_that("in keras3's test environment with ours in place, the four names are ours", {
    env <- keras3_test_env(ours = TRUE)
    for (name in OUR_FUNCTIONS) {
      expect_identical(get(name, envir = env), getExportedValue("kerasrbridge", name), label = name)
    }
    expect_identical(get("layer_dense", envir = env), keras3::layer_dense)
  })

  # keras3's blocks, run as keras3's own test suite runs them: first with
  # keras3's functions (they pass), then with ours in place. Three of the four
  # run their layer only `if (is_tensorflow_implementation())`, FALSE unless
  # KERAS_IMPLEMENTATION starts with "tensorflow" (keras3 1.5.1's default is
  # "keras"), so they run again with KERAS_IMPLEMENTATION=tensorflow, where all
  # four build their models.
  old_implementation <- Sys.getenv("KERAS_IMPLEMENTATION", unset = NA)
  for (implementation in c(NA, "tensorflow")) {
    if (is.na(implementation)) Sys.unsetenv("KERAS_IMPLEMENTATION") else Sys.setenv(KERAS_IMPLEMENTATION = implementation)
    for (ours in c(FALSE, TRUE)) {
      env <- keras3_test_env(ours)
      for (expr in parse(text = keras3_layer_tests, keep.source = FALSE)) eval(expr, env)
    }
  }
  if (is.na(old_implementation)) Sys.unsetenv("KERAS_IMPLEMENTATION") else Sys.setenv(KERAS_IMPLEMENTATION = old_implementation)

  test_that("keras3's blocks build the same models with ours as with keras3's (all four run)", {
    old <- Sys.getenv("KERAS_IMPLEMENTATION", unset = NA)
    Sys.setenv(KERAS_IMPLEMENTATION = "tensorflow")
    on.exit(if (is.na(old)) Sys.unsetenv("KERAS_IMPLEMENTATION") else Sys.setenv(KERAS_IMPLEMENTATION = old))
    expect_true(keras3:::is_tensorflow_implementation())
    blocks <- parse(text = keras3_layer_tests, keep.source = FALSE)
    for (block in blocks) {
      call <- if (identical(block[[1]], as.name("if"))) block[[3]] else block
      name <- as.character(call[[2]])
      body <- call[[length(call)]]  # the block's code: its last argument
      models <- lapply(c(keras3 = FALSE, ours = TRUE), function(ours) eval(body, keras3_test_env(ours)))
      for (model in models) expect_s3_class(model, "keras.src.models.sequential.Sequential")
      expect_identical(models$ours$output_shape, models$keras3$output_shape, label = name)
      last <- lapply(models, function(model) model$layers[[length(model$layers)]])
      expect_identical(config_of(last$ours), config_of(last$keras3), label = name)
      expect_identical(models$ours$count_params(), models$keras3$count_params(), label = name)
    }
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

# Run R code from the docs as a newcomer types it into R, expression by expression.
#
#   Rscript run_r_block.R BLOCK.R RESULTS.json
#
# Each top-level expression is evaluated in the global environment and, where
# its value is visible, printed, as at R's prompt. The first error stops the
# run, as it would stop Rscript. RESULTS.json gets, for every expression run,
# its first and last line, what it printed, the error in the words R prints
# ("Error in <call> : <message>"), and every comment of the block with its
# line and column (from R's own parser, so `#` inside strings is no comment),
# and the last line of every expression, run or not.
# The runner's own variables live in local()'s environment, apart from the
# global environment the block runs in.
local({
  args <- commandArgs(trailingOnly = TRUE)
  block <- args[[1]]
  results_path <- args[[2]]

  exprs <- parse(block, keep.source = TRUE)
  srcrefs <- attr(exprs, "srcref")
  tokens <- utils::getParseData(exprs)
  comments <- tokens[tokens$token == "COMMENT", c("line1", "col1", "text")]

  # R's top level: "Error in <call> : <message>", or "Error: <message>" without a call.
  error_text <- function(e) {
    call <- conditionCall(e)
    if (is.null(call)) return(paste0("Error: ", conditionMessage(e)))
    paste0("Error in ", deparse(call, nlines = 1L), " : ", conditionMessage(e))
  }

  results <- list()
  status <- 0L
  for (i in seq_along(exprs)) {
    result <- list(first = srcrefs[[i]][[1]], last = srcrefs[[i]][[3]], shown = NULL, error = NULL)
    outcome <- tryCatch({
      shown <- utils::capture.output({
        value <- withVisible(eval(exprs[[i]], globalenv()))
        if (value$visible) print(value$value)
      })
      list(shown = shown)
    }, error = function(e) list(error = e))
    if (!is.null(outcome$error)) {
      result$error <- error_text(outcome$error)
      message(result$error)
      results[[i]] <- result
      status <- 1L
      break
    }
    if (length(outcome$shown)) {
      result$shown <- paste(outcome$shown, collapse = "\n")
      cat(result$shown, "\n", sep = "")
    }
    results[[i]] <- result
  }

  jsonlite::write_json(
    list(results = results, comments = comments,
         ends = I(vapply(srcrefs, function(ref) ref[[3]], integer(1)))),
    results_path, auto_unbox = TRUE, null = "null", digits = NA
  )
  quit(status = status)
})

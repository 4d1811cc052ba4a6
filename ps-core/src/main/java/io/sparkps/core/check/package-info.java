/**
 * Argument checks shared by every package ({@code requireArgument} and friends). A leaf: it depends
 * on nothing of spark-ps, so any package can validate its inputs without depending on another.
 */
package io.sparkps.core.check;

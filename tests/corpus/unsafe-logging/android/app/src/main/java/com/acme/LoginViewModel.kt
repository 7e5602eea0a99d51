package com.acme

import android.util.Log
import androidx.lifecycle.ViewModel
import timber.log.Timber

class LoginViewModel(private val api: AuthApi) : ViewModel() {

    suspend fun login(email: String, password: String): Boolean {
        Log.d(TAG, "login $email")
        val resp = api.login(email, password)
        Log.d(TAG, "auth token: " + resp.authToken)
        Timber.i("refresh token=${resp.refreshToken}")
        Log.d(TAG, "token refreshed")
        Log.d(TAG, "has token: " + (resp.authToken != null))
        println("password=$password")
        logger.info { "user $email logged in" }
        return true
    }

    fun logout() {
        Log.i(TAG, "logout")
    }

    companion object {
        private const val TAG = "LoginVM"
        private val logger = mu.KotlinLogging.logger {}
    }
}
